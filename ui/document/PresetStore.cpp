// SPDX-License-Identifier: MIT
#include "document/PresetStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

#include "common/KernelFile.h"
#include "backends/BackendFactory.h"

namespace tconv::ui {
namespace {

const char* kFormat = "tconv-studio-preset";

QJsonArray pair(Size2 s) { return QJsonArray{s.h, s.w}; }

bool readPair(const QJsonObject& o, const char* key, Size2& out, QString* error) {
    if (!o.contains(QLatin1String(key))) return true;
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isDouble()) {
        out = Size2(v.toInt());
        return true;
    }
    const QJsonArray a = v.toArray();
    if (!v.isArray() || a.size() != 2 || !a[0].isDouble() || !a[1].isDouble()) {
        *error = QStringLiteral("'%1' must be a number or [height, width]").arg(QLatin1String(key));
        return false;
    }
    out = Size2(a[0].toInt(), a[1].toInt());
    return true;
}

template <typename E>
bool readEnum(const QJsonObject& o, const char* key, E& out, std::initializer_list<std::pair<const char*, E>> names,
              QString* error) {
    if (!o.contains(QLatin1String(key))) return true;
    const QString s = o.value(QLatin1String(key)).toString();
    QStringList allowed;
    for (const auto& [n, e] : names) {
        if (s == QLatin1String(n)) {
            out = e;
            return true;
        }
        allowed << QLatin1String(n);
    }
    *error = QStringLiteral("'%1' is '%2'; expected one of %3").arg(QLatin1String(key), s, allowed.join(", "));
    return false;
}

// Weight mode: loads the weight the preset names, with its groups and channel.
bool readWeight(const QJsonObject& o, StudioParams& p, QString* error) {
    const QString path = o.value("weight_path").toString();
    if (path.isEmpty()) {
        *error = QStringLiteral("a 'weight' kernel needs 'weight_path': the .npy holding the layer weight");
        return false;
    }
    try {
        const app::KernelFile f = app::loadKernelFile(path.toStdString());
        if (!f.isFullWeight()) {
            *error = QStringLiteral("'weight_path' %1 holds a %2, not a (C_in, C_out/groups, kH, kW) weight")
                         .arg(path, QString::fromStdString(f.describe()));
            return false;
        }
        const int groups = o.value("groups").toInt(1);
        if (groups < 1 || f.weight.shape().n % groups != 0) {
            *error = QStringLiteral("'groups' %1 does not divide the weight %2's %3 input channels")
                         .arg(groups)
                         .arg(QString::fromStdString(shapeText(f.weight.shape())))
                         .arg(f.weight.shape().n);
            return false;
        }
        p = weightModeParams(p, std::make_shared<const Tensor>(f.weight), path, groups);
    } catch (const std::exception& e) {
        *error = QString::fromUtf8(e.what());
        return false;
    }
    const int64_t cout = p.weight->shape().c * p.geometry.groups;
    p.weightChannel = o.value("weight_channel").toInt(p.weightChannel);
    if (p.weightChannel < 0 || p.weightChannel >= cout) {
        *error = QStringLiteral(
                     "'weight_channel' %1 is not an output channel of the weight %2 with groups %3 "
                     "(0 to %4)")
                     .arg(p.weightChannel)
                     .arg(QString::fromStdString(shapeText(p.weight->shape())))
                     .arg(p.geometry.groups)
                     .arg(cout - 1);
        return false;
    }
    return true;
}

}  // namespace

QJsonObject PresetStore::toJson(const StudioParams& p) {
    QJsonObject o;
    o["format"] = kFormat;
    o["version"] = 1;
    o["kernel_size"] = pair(p.geometry.kernel);
    o["stride"] = pair(p.geometry.stride);
    o["padding"] = pair(p.geometry.padding);
    if (hasAsymmetricPadding(p.geometry)) o["padding_end"] = pair(padEnd(p.geometry));  // bottom, right
    o["output_padding"] = pair(p.geometry.outputPadding);
    o["dilation"] = pair(p.geometry.dilation);
    o["kernel"] = p.kernelSource.name();  // the string form: files stay readable and compatible
    o["sigma"] = p.sigma;
    o["seed"] = static_cast<qint64>(p.seed);
    if (p.isCustomKernel()) {
        QJsonArray rows;
        for (int y = 0; y < p.customKernel.h; ++y) {
            QJsonArray row;
            for (int x = 0; x < p.customKernel.w; ++x) row.append(static_cast<double>(p.customKernel.at(y, x)));
            rows.append(row);
        }
        o["weights"] = rows;
    }
    if (p.isFullWeight()) {
        // The weight stays in its file: presets name it, as PyTorch code would.
        o["weight_path"] = p.weightPath;
        o["groups"] = p.geometry.groups;
        o["weight_channel"] = p.weightChannel;
    }
    o["bias"] = static_cast<double>(p.bias);
    o["backend"] = QString::fromLatin1(backendName(p.backend));
    o["resize"] = QString::fromLatin1(resizeModeName(p.resize));
    o["border"] = QString::fromLatin1(borderModeName(p.border));
    o["heatmap"] = heatmapKindName(p.heatmap);
    o["tone"] = p.tone == ToneMode::AutoRange ? QStringLiteral("auto") : QStringLiteral("clamp");
    return o;
}

std::optional<StudioParams> PresetStore::fromJson(const QJsonObject& o, QString* error) {
    QString dummy;
    if (!error) error = &dummy;
    if (o.value("format").toString() != QLatin1String(kFormat)) {
        *error = QStringLiteral("not a TConv Studio preset (\"format\" is not \"%1\")").arg(QLatin1String(kFormat));
        return std::nullopt;
    }
    StudioParams p;
    if (!readPair(o, "kernel_size", p.geometry.kernel, error) || !readPair(o, "stride", p.geometry.stride, error) ||
        !readPair(o, "padding", p.geometry.padding, error) ||
        !readPair(o, "output_padding", p.geometry.outputPadding, error) ||
        !readPair(o, "dilation", p.geometry.dilation, error))
        return std::nullopt;
    if (o.contains("padding_end")) {
        Size2 end;
        if (!readPair(o, "padding_end", end, error)) return std::nullopt;
        setPads(p.geometry, Pads4{p.geometry.padding.h, p.geometry.padding.w, end.h, end.w});
    }
    if (o.contains("kernel")) {
        const QString name = o.value("kernel").toString();
        const std::optional<KernelSource> source = KernelSource::fromName(name);
        if (!source) {
            *error = QStringLiteral("'kernel' is '%1'; expected one of %2").arg(name, KernelSource::names().join(", "));
            return std::nullopt;
        }
        p.kernelSource = *source;
    }
    p.sigma = o.value("sigma").toDouble(p.sigma);
    p.seed = static_cast<quint64>(o.value("seed").toInteger(0));
    if (p.isCustomKernel()) {
        const QJsonArray rows = o.value("weights").toArray();
        const int h = rows.size(), w = h ? rows[0].toArray().size() : 0;
        if (h == 0 || w == 0) {
            *error = QStringLiteral("a custom kernel needs 'weights': a non-empty list of rows");
            return std::nullopt;
        }
        Kernel2D k(h, w);
        for (int y = 0; y < h; ++y) {
            const QJsonArray row = rows[y].toArray();
            if (row.size() != w) {
                *error = QStringLiteral("'weights' row %1 has %2 values, expected %3").arg(y).arg(row.size()).arg(w);
                return std::nullopt;
            }
            for (int x = 0; x < w; ++x) k.at(y, x) = static_cast<float>(row[x].toDouble());
        }
        p.customKernel = k;
        p.geometry.kernel = Size2(h, w);
    }
    if (p.kernelSource.isWeight() && !readWeight(o, p, error)) return std::nullopt;
    p.bias = static_cast<float>(o.value("bias").toDouble(0.0));
    if (!readEnum(o, "backend", p.backend,
                  {{"auto", BackendKind::Auto}, {"cpu", BackendKind::Cpu}, {"cuda", BackendKind::Cuda}}, error) ||
        !readEnum(o, "resize", p.resize, {{"nearest", ResizeMode::Nearest}, {"bilinear", ResizeMode::Bilinear}},
                  error) ||
        !readEnum(
            o, "border", p.border,
            {{"zeros", BorderMode::Zeros}, {"replicate", BorderMode::Replicate}, {"reflect", BorderMode::Reflect}},
            error) ||
        !readEnum(o, "heatmap", p.heatmap,
                  {{"gain", HeatmapKind::GainMap},
                   {"artifact", HeatmapKind::ArtifactComponent},
                   {"energy", HeatmapKind::PeriodicEnergy}},
                  error) ||
        !readEnum(o, "tone", p.tone, {{"clamp", ToneMode::Clamp01}, {"auto", ToneMode::AutoRange}}, error))
        return std::nullopt;
    return p;
}

bool PresetStore::save(const QString& path, const StudioParams& p, QString* error) {
    if (p.isFullWeight() && !p.weightHasFile()) {
        // A preset names the weight's file; a repaired weight or a model's layer has none yet.
        if (error)
            *error = QStringLiteral(
                "the layer weight is not saved as an .npy file yet (a repaired weight, or a layer of a model): save it "
                "(Save… under Layer weight), then the preset");
        return false;
    }
    QSaveFile f(path);  // atomic: a half-written preset never replaces a good one
    if (!f.open(QIODevice::WriteOnly)) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    f.write(QJsonDocument(toJson(p)).toJson(QJsonDocument::Indented));
    if (!f.commit()) {
        if (error) *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

std::optional<StudioParams> PresetStore::load(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error) *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (error)
            *error =
                QStringLiteral("%1 is not valid JSON (%2 at offset %3)").arg(path, pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    QString why;
    auto p = fromJson(doc.object(), &why);
    if (!p && error) *error = QStringLiteral("%1: %2").arg(path, why);
    return p;
}

}  // namespace tconv::ui
