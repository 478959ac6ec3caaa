#pragma once
// Diverts the process's stderr (file descriptor 2) into a temporary file for a
// scope. Image libraries print their own complaints there (libpng's "libpng
// error: ...", OpenCV's "imdecode_(...): can't read data"), which would break
// the CLI's one-line errors; the captured text is handed back instead, to be
// folded into our message on failure or replayed to stderr on success.
//
// stderr is process-wide, so captures are serialized by a global mutex; other
// threads writing to stderr meanwhile are captured too, and replay() passes
// their output on afterwards.
#include <mutex>
#include <string>

namespace tconv::app {

class StderrCapture {
public:
    StderrCapture();   // starts capturing (silently does nothing if it cannot)
    ~StderrCapture();  // stops and replays whatever was not taken
    StderrCapture(const StderrCapture&) = delete;
    StderrCapture& operator=(const StderrCapture&) = delete;

    // Stops capturing and returns the captured text (then nothing is replayed).
    std::string take();
    // Stops capturing and writes the captured text to the real stderr.
    void replay();

private:
    std::string stop();
    std::unique_lock<std::mutex> lock_;
    int savedFd_ = -1;
    int tempFd_ = -1;
};

// The first non-empty line of `text`, trimmed, at most 200 characters.
std::string firstLine(const std::string& text);

}  // namespace tconv::app
