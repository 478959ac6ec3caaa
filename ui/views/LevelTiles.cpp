// SPDX-License-Identifier: MIT
#include "views/LevelTiles.h"

#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>

namespace tconv::ui {

LevelTiles::LevelTiles(QObject* parent) : QObject(parent) {
    pool_.setMaxThreadCount(1);
    connect(&watcher_, &QFutureWatcherBase::finished, this, &LevelTiles::onFinished);
}

LevelTiles::~LevelTiles() {
    queued_.reset();
    if (running_) running_->live->store(false);
    watcher_.waitForFinished();
    pool_.waitForDone();
}

const LevelPatch* LevelTiles::find(const ValuePyramid* values, int level, const QRect& rect) const {
    for (const auto& t : patches_)
        if (t->values.get() == values && t->patch.level == level && t->patch.rect.contains(rect)) return &t->patch;
    return nullptr;
}

bool LevelTiles::shown(const ValuePyramid* v) const {
    return v && std::find(shown_.begin(), shown_.end(), v) != shown_.end();
}

void LevelTiles::request(const std::shared_ptr<const ValuePyramid>& values, int level, const QRect& rect) {
    if (!values || rect.isEmpty()) return;
    if ((running_ && running_->covers(values.get(), level, rect)) ||
        (queued_ && queued_->covers(values.get(), level, rect)))
        return;
    // A quarter of the region on each side: panning a little stays inside the patch.
    const int mx = rect.width() / 4 + 8, my = rect.height() / 4 + 8;
    Job job{values, level, rect.adjusted(-mx, -my, mx, my).intersected(QRect(QPoint(0, 0), values->levelSize(level))),
            std::make_shared<std::atomic<bool>>(true)};
    if (running_) {
        queued_ = std::move(job);  // replaces an older queued request: only the newest view matters
        return;
    }
    start(std::move(job));
}

void LevelTiles::keepOnly(std::initializer_list<const ValuePyramid*> shown) {
    shown_.assign(shown.begin(), shown.end());
    shown_.erase(std::remove(shown_.begin(), shown_.end(), nullptr), shown_.end());
    patches_.erase(std::remove_if(patches_.begin(), patches_.end(),
                                  [this](const auto& t) { return !this->shown(t->values.get()); }),
                   patches_.end());
    if (queued_ && !this->shown(queued_->values.get())) queued_.reset();
    if (running_ && !this->shown(running_->values.get())) running_->live->store(false);
}

void LevelTiles::start(Job job) {
    ++started_;
    running_ = job;
    watcher_.setFuture(QtConcurrent::run(&pool_, [job]() -> std::shared_ptr<Tile> {
        if (!job.live->load()) return nullptr;
        auto tile = std::make_shared<Tile>();
        tile->values = job.values;
        tile->patch = job.values->fetch(job.level, job.rect);
        return tile;
    }));
}

void LevelTiles::onFinished() {
    std::shared_ptr<Tile> tile = watcher_.result();
    const bool live = running_ && running_->live->load();
    running_.reset();
    // A patch of a pyramid no longer shown (older parameters) is dropped here, never drawn.
    const bool keep = tile && live && shown(tile->values.get());
    if (keep) {
        patches_.insert(patches_.begin(), std::move(tile));
        if (patches_.size() > size_t(kMaxPatches)) patches_.resize(size_t(kMaxPatches));
    }
    if (queued_) {
        Job next = std::move(*queued_);
        queued_.reset();
        start(std::move(next));
    }
    if (keep) emit arrived();
}

}  // namespace tconv::ui
