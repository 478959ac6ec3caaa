// SPDX-License-Identifier: MIT
#pragma once
// What the image libraries print to stderr (file descriptor 2): libpng's
// "libpng error: ...", libjpeg's "Corrupt JPEG data: ...", OpenCV's
// "imdecode_(...): can't read data". Printed as is, it would break the CLI's
// one-line errors, so decodes run under captureStderr() and the text is folded
// into our message on failure (or passed on, see passOnLibraryNoise).
//
// stderr is one per process. By default each capture diverts fd 2 into a
// temporary file for its duration, so captures are serialized by a global
// lock. A batch instead holds a QuietStderr for its whole run: fd 2 then
// points into a private sink, and captures run concurrently (see
// captureStderr for how each still gets exactly its own text).
#include <cstdio>
#include <functional>
#include <string>

namespace tconv::app {

// Runs `work` and returns what was written to fd 2 while it ran. Without a
// QuietStderr: fd 2 is diverted for the call, under an exclusive lock; other
// threads' output meanwhile is captured too. With one: `work` runs under a
// shared lock and the call only notes whether the sink grew meanwhile; if it
// did (rare: a damaged file, from this call or another), `work` runs again
// alone, under the exclusive lock, and its own text is returned. So `work`
// may run twice and must be repeatable (a decode from memory is). If `work`
// throws, the capture ends and the exception propagates.
std::string captureStderr(const std::function<void()>& work);

// The text a capture returned that is not an error (a library's warning on a
// file that decoded fine): written to stderr as usual, dropped while a
// QuietStderr is alive (keeping that noise off the batch's display is its
// purpose).
void passOnLibraryNoise(const std::string& text);

// For the duration of a batch: diverts the process's fd 2 into a private sink
// (an unlinked temporary file) until destroyed. Everything the program itself
// wants the user to see meanwhile must go to out(), a stream on the original
// stderr (unbuffered, like stderr). One at a time: a second one made while
// another is alive diverts nothing and its out() also writes to the user.
// If fd 2 cannot be diverted, nothing changes (out() writes to stderr then).
class QuietStderr {
public:
    QuietStderr();
    ~QuietStderr();
    QuietStderr(const QuietStderr&) = delete;
    QuietStderr& operator=(const QuietStderr&) = delete;

    std::FILE* out() const { return out_; }
    bool active() const { return active_; }

private:
    std::FILE* out_ = stderr;
    bool ownsOut_ = false;
    bool active_ = false;
};

// The user's stderr: 2, or the saved original while a QuietStderr is active.
// Async-signal-safe (for an interrupt handler's message).
int userStderrFd();

// The first non-empty line of `text`, trimmed, at most 200 characters.
std::string firstLine(const std::string& text);

}  // namespace tconv::app
