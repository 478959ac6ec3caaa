// SPDX-License-Identifier: MIT
#pragma once
// QCOMPARE printers for engine types (found by ADL), shared by all tests.
#include <QMetaType>
#include <QtTest>
#include <cstring>
#include <string>

#include "core/ConvParams.h"
#include "core/OutputGeometry.h"
#include "core/Tensor.h"

namespace tconv {
inline char* toString(const Shape4& s) { return qstrdup(tconv::shapeText(s).c_str()); }
inline char* toString(const OutputSize& s) {
    return qstrdup((std::to_string(s.h) + "x" + std::to_string(s.w)).c_str());
}
inline char* toString(const Size2& s) { return qstrdup(tconv::sizeText(s).c_str()); }
}  // namespace tconv

Q_DECLARE_METATYPE(tconv::ConvParams)
