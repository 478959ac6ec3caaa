// SPDX-License-Identifier: MIT
#pragma once
// Running the real tconv binary from a test: exit code and both streams.
#include <QProcess>
#include <QString>

struct ProcessResult {
    int code = -1;  // -1: did not finish within the limit (killed); -2: crashed
    QString out, err;
};

// Waits for an already started process (2 minutes at most) and collects it.
inline ProcessResult finishProcess(QProcess& p) {
    ProcessResult r;
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    r.out = QString::fromUtf8(p.readAllStandardOutput());
    r.err = QString::fromUtf8(p.readAllStandardError());
    return r;
}
