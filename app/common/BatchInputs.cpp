// SPDX-License-Identifier: MIT
#include "common/BatchInputs.h"

#include <fnmatch.h>
#include <glob.h>

#include <algorithm>
#include <set>
#include <system_error>

#include "common/ImageIO.h"
#include "common/SameFile.h"
#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

bool hasGlobChars(const std::string& s) { return s.find_first_of("*?[") != std::string::npos; }

bool matchesPattern(const std::string& pattern, const fs::path& relative) {
    const std::string text =
        pattern.find('/') != std::string::npos ? relative.generic_string() : relative.filename().string();
    return fnmatch(pattern.c_str(), text.c_str(), 0) == 0;
}

namespace {

bool isHidden(const fs::path& p) {
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.' && name != "." && name != "..";
}

fs::path canonicalOrSelf(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::weakly_canonical(p, ec);
    return ec ? p.lexically_normal() : c;
}

// The leading components of a glob pattern that contain no wildcard: matches
// are mirrored relative to it ("shots/*/a.png" -> "x/a.png" for "shots/x/a.png").
fs::path globBase(const std::string& pattern) {
    fs::path base;
    for (const fs::path& part : fs::path(pattern).parent_path()) {
        if (hasGlobChars(part.string())) break;
        base /= part;
    }
    return base;
}

class Collector {
public:
    explicit Collector(const InputOptions& o) : o_(o) {
        haveOut_ = !o.outputDir.empty() && fileId(o.outputDir.string(), outId_);
    }

    // Inside the output folder, or the output folder itself.
    bool insideOutput(const fs::path& p) const { return haveOut_ && isInsideFolder(p.string(), outId_); }
    bool isOutputFolder(const fs::path& p) const {
        FileId id;
        return haveOut_ && fileId(p.string(), id) && id == outId_;
    }

    void addFile(const fs::path& file, const fs::path& relative, bool named, bool inOutputTree) {
        if (!named && !isSupportedInputExtension(file.string())) return;
        if (!passesFilters(relative)) return;
        const fs::path canon = canonicalOrSelf(file);
        if (!seen_.insert(canon).second) return;
        items_.push_back({file, relative, named, inOutputTree});
    }

    // `startsInside`: `dir` is the output folder or lies in it; then the walk
    // may not skip it, and what it finds is marked inOutputTree.
    void addFolder(const fs::path& dir, const fs::path& prefix, bool startsInside) {
        std::error_code ec;
        const auto opts = fs::directory_options::skip_permission_denied;
        if (o_.recursive) {
            fs::recursive_directory_iterator it(dir, opts, ec), end;
            if (ec) throw ParameterError("cannot read folder '" + dir.string() + "': " + ec.message());
            for (; it != end; it.increment(ec)) {
                if (ec) break;
                const fs::path& p = it->path();
                std::error_code sec;
                const bool isDir = it->is_directory(sec);
                // The output folder inside a walked folder holds our outputs of
                // an earlier run: never take them as inputs.
                if (isHidden(p) || (isDir && !startsInside && isOutputFolder(p))) {
                    if (isDir) it.disable_recursion_pending();
                    continue;
                }
                if (it->is_regular_file(sec)) addFile(p, prefix / p.lexically_relative(dir), false, startsInside);
            }
        } else {
            fs::directory_iterator it(dir, opts, ec), end;
            if (ec) throw ParameterError("cannot read folder '" + dir.string() + "': " + ec.message());
            for (; it != end; it.increment(ec)) {
                if (ec) break;
                std::error_code sec;
                if (!isHidden(it->path()) && it->is_regular_file(sec))
                    addFile(it->path(), prefix / it->path().filename(), false, startsInside);
            }
        }
    }

    void addGlob(const std::string& pattern) {
        glob_t g{};
        const int rc = glob(pattern.c_str(), 0, nullptr, &g);
        std::vector<std::string> matches;
        if (rc == 0)
            for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
        globfree(&g);
        if (matches.empty()) throw ParameterError("no file matches the pattern '" + pattern + "'");
        const fs::path base = globBase(pattern);
        // 'dir/*' with -o dir/out matches dir/out: skipped, unless the pattern
        // itself looks inside the output folder ('out/*' with -o out).
        const bool baseInside = insideOutput(base.empty() ? fs::path(".") : base);
        for (const std::string& m : matches) {
            const fs::path p(m);
            const fs::path rel = base.empty() ? p.lexically_normal() : p.lexically_relative(base);
            const bool inside = insideOutput(p);
            if (inside && !baseInside) continue;
            std::error_code ec;
            if (fs::is_directory(p, ec)) addFolder(p, rel, inside);
            else if (fs::is_regular_file(p, ec)) addFile(p, rel, false, inside);
        }
    }

    std::vector<BatchInput> take() {
        std::stable_sort(items_.begin(), items_.end(), [](const BatchInput& a, const BatchInput& b) {
            return a.relative.generic_string() < b.relative.generic_string();
        });
        return std::move(items_);
    }

private:
    bool passesFilters(const fs::path& relative) const {
        if (!o_.include.empty() && std::none_of(o_.include.begin(), o_.include.end(),
                                                [&](const std::string& p) { return matchesPattern(p, relative); }))
            return false;
        return std::none_of(o_.exclude.begin(), o_.exclude.end(),
                            [&](const std::string& p) { return matchesPattern(p, relative); });
    }

    const InputOptions& o_;
    bool haveOut_ = false;
    FileId outId_;
    std::set<fs::path> seen_;
    std::vector<BatchInput> items_;
};

}  // namespace

std::vector<BatchInput> expandInputs(const InputOptions& options) {
    Collector c(options);
    for (const std::string& in : options.inputs) {
        if (in.empty()) throw ParameterError("an input path is empty");
        const fs::path p(in);
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
            c.addFolder(p, {}, c.insideOutput(p));
        } else if (fs::exists(p, ec) || fs::is_symlink(p, ec)) {
            // Named explicitly: kept even if unreadable, so the failure is reported.
            c.addFile(p, p.filename(), true, c.insideOutput(p));
        } else if (hasGlobChars(in)) {
            c.addGlob(in);
        } else {
            throw ParameterError("input '" + in + "' does not exist");
        }
    }
    return c.take();
}

}  // namespace tconv::app
