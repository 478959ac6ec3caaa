// SPDX-License-Identifier: MIT
#pragma once
// A view's finer display levels of a large photo, computed off the GUI thread.
// The levels of a ValuePyramid with a source (levels finer than the stored
// one, full resolution included) cost a pass over the input region they
// cover, too much to do while painting. The view asks for the region it
// draws (request()), draws the finest level it already has meanwhile (a
// coarser area mean: still faithful, only less sharp), and repaints when
// arrived() is emitted.
//
// Threading: one worker thread per view runs one request at a time (a
// QFutureWatcher, as ComputePipeline). A newer request replaces the queued
// one; a running request cannot be interrupted (the source is one engine-like
// computation) but its patch is dropped when it ends if its pyramid is no
// longer shown (keepOnly): every patch carries the pyramid it was computed
// from, and a new result brings new pyramids, so a patch of older parameters
// is never drawn. Patches are read and replaced on the GUI thread only.
#include <QFutureWatcher>
#include <QObject>
#include <QRect>
#include <QThreadPool>
#include <atomic>
#include <initializer_list>
#include <memory>
#include <optional>
#include <vector>

#include "views/ValuePyramid.h"

namespace tconv::ui {

class LevelTiles : public QObject {
    Q_OBJECT
public:
    explicit LevelTiles(QObject* parent = nullptr);
    ~LevelTiles() override;

    // A patch of `values`' `level` that covers `rect`, or null (valid until the next event-loop turn).
    const LevelPatch* find(const ValuePyramid* values, int level, const QRect& rect) const;
    // Computes `level` of `values` over `rect` (with a margin, so small pans
    // stay inside it) on the worker, unless a running or queued request covers it.
    void request(const std::shared_ptr<const ValuePyramid>& values, int level, const QRect& rect);
    // The pyramids now shown (null entries ignored): patches and requests of any other are dropped.
    void keepOnly(std::initializer_list<const ValuePyramid*> shown);
    bool busy() const { return running_.has_value() || queued_.has_value(); }
    int patchCount() const { return static_cast<int>(patches_.size()); }
    // Requests started so far (for tests: a covered region asks for nothing new).
    int requestsStarted() const { return started_; }

    static constexpr int kMaxPatches = 3;  // per view: the current level, the one zoomed from, a spare

signals:
    void arrived();

private:
    struct Job {
        std::shared_ptr<const ValuePyramid> values;
        int level = 0;
        QRect rect;
        std::shared_ptr<std::atomic<bool>> live;  // false: skip (or drop) it, its pyramid is gone
        bool covers(const ValuePyramid* v, int l, const QRect& r) const {
            return values.get() == v && level == l && rect.contains(r);
        }
    };
    struct Tile {
        std::shared_ptr<const ValuePyramid> values;  // keeps the address unique while the patch lives
        LevelPatch patch;
    };
    bool shown(const ValuePyramid* v) const;
    void start(Job job);
    void onFinished();

    QThreadPool pool_;
    QFutureWatcher<std::shared_ptr<Tile>> watcher_;
    std::optional<Job> running_, queued_;
    std::vector<const ValuePyramid*> shown_;
    std::vector<std::shared_ptr<const Tile>> patches_;  // newest first
    int started_ = 0;
};

}  // namespace tconv::ui
