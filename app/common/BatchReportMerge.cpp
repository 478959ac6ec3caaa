// SPDX-License-Identifier: MIT
#include "common/BatchReportMerge.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>

#include "core/ConvError.h"

namespace fs = std::filesystem;

namespace tconv::app {

CsvTable parseCsv(const std::string& text) {
    CsvTable t;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, any = false;
    auto endRow = [&] {
        row.push_back(std::move(field));
        field.clear();
        if (t.header.empty()) t.header = std::move(row);
        else t.rows.push_back(std::move(row));
        row.clear();
        any = false;
    };
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') field += '"', ++i;
            else if (c == '"') quoted = false;
            else field += c;
            continue;
        }
        if (c == '"') quoted = true, any = true;
        else if (c == ',') row.push_back(std::move(field)), field.clear(), any = true;
        else if (c == '\n') endRow();
        else if (c != '\r') field += c, any = true;
    }
    if (any || !field.empty()) endRow();
    return t;
}

std::string csvLine(const std::vector<std::string>& fields) {
    std::string line;
    for (size_t i = 0; i < fields.size(); ++i) {
        const std::string& s = fields[i];
        if (i) line += ',';
        if (s.find_first_of(",\"\n\r") == std::string::npos) {
            line += s;
            continue;
        }
        line += '"';
        for (char c : s) line += c == '"' ? std::string("\"\"") : std::string(1, c);
        line += '"';
    }
    return line + "\n";
}

namespace {

int statusRank(const std::string& s) {
    if (s == "done") return 0;
    if (s == "skipped") return 1;
    if (s == "failed") return 2;
    return 3;
}

size_t column(const CsvTable& t, const std::string& name, const std::string& file) {
    const auto it = std::find(t.header.begin(), t.header.end(), name);
    if (it == t.header.end()) throw ParameterError("'" + file + "' is not a batch report (no '" + name + "' column)");
    return static_cast<size_t>(it - t.header.begin());
}

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw ProcessingError("cannot read '" + p.string() + "'");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

MergeResult mergeShardReports(const std::string& dir) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) throw ParameterError("'" + dir + "' is not a folder");
    static const std::regex name(R"((.*)\.shard-([0-9]+)-of-([0-9]+)\.csv)");
    std::map<int, fs::path> byShard;
    std::string stem;
    MergeResult m;
    bool sawJson = false;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string file = e.path().filename().string();
        std::smatch g;
        if (!std::regex_match(file, g, name)) {
            sawJson |= file.find(".shard-") != std::string::npos && e.path().extension() == ".json";
            continue;
        }
        const int index = std::stoi(g[2].str()), count = std::stoi(g[3].str());
        if (m.shardCount && (count != m.shardCount || g[1].str() != stem))
            throw ParameterError("'" + dir + "' holds reports of different batches ('" + stem + ".shard-*-of-" +
                                 std::to_string(m.shardCount) + ".csv' and '" + file + "'): merge one at a time");
        m.shardCount = count;
        stem = g[1].str();
        if (index < count) byShard[index] = e.path();
    }
    if (!m.shardCount)
        throw ParameterError("no shard report (NAME.shard-I-of-N.csv) in '" + dir + "'" +
                             (sawJson ? " (merge reads the CSV reports: run the shards with --report NAME.csv)" : ""));
    std::map<std::string, std::vector<std::string>> rows;  // by output
    for (int s = 0; s < m.shardCount; ++s) {
        const auto it = byShard.find(s);
        if (it == byShard.end()) {
            m.missingShards.push_back(s);
            continue;
        }
        const std::string file = it->second.string();
        CsvTable t = parseCsv(readAll(it->second));
        if (m.table.header.empty()) m.table.header = t.header;
        else if (t.header != m.table.header)
            throw ParameterError("'" + file + "' has other columns than the first report");
        const size_t out = column(t, "output", file), status = column(t, "status", file);
        for (auto& r : t.rows) {
            if (r.size() != t.header.size())
                throw ParameterError("'" + file + "': a row has the wrong number of fields");
            auto [pos, fresh] = rows.try_emplace(r[out], r);
            if (!fresh) {
                ++m.duplicates;
                if (statusRank(r[status]) < statusRank(pos->second[status])) pos->second = std::move(r);
            }
        }
        m.reports.push_back(file);
    }
    if (m.table.header.empty()) return m;
    const size_t in = column(m.table, "input", "merged"), status = column(m.table, "status", "merged");
    for (auto& [output, r] : rows) {
        const std::string& s = r[status];
        if (s == "done") ++m.done;
        else if (s == "skipped") ++m.skipped;
        else if (s == "failed") ++m.failed;
        else m.unfinished.push_back(r[in] + " -> " + output);
        m.table.rows.push_back(std::move(r));
    }
    return m;
}

}  // namespace tconv::app
