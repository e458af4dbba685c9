// Config: a TOML file read into typed sections. Every error names `file:line: message`; keys a
// section did not ask for are reported as unknown, so a typo is an error rather than a silent default.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.hpp"
#include "core/text/host_port.hpp"

namespace layer7::core {

// Collected errors, "file:line: message" each.
struct Diagnostics {
    std::string file;
    std::vector<std::string> errors;
    // Files a section earlier in the file creates at start (the demo users file): they need not
    // exist when the config is checked.
    std::vector<std::string> created_at_start;
    void error(int line, const std::string& message);
};

class Section {
public:
    // `table` is an opaque toml::table (toml++ stays out of every other translation unit).
    Section(const void* table, std::string path, std::shared_ptr<Diagnostics> diagnostics, int line);

    bool present() const { return table_ != nullptr; }
    const std::string& path() const { return path_; }

    bool boolean(std::string_view key, bool fallback);
    std::string string(std::string_view key, const std::string& fallback);
    std::int64_t integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max);
    std::vector<std::string> strings(std::string_view key, const std::vector<std::string>& fallback);
    std::chrono::seconds seconds(std::string_view key, std::chrono::seconds fallback);
    // "host:port" or "[v6]:port".
    HostPort address(std::string_view key, const HostPort& fallback);
    // A sub-table ([http.limits]); absent → an empty section that yields the fallbacks.
    Section section(std::string_view key);
    // [[http.vhost]] arrays of tables.
    std::vector<Section> sections(std::string_view key);
    // A service that may run more than once: [smtp] gives one section, [[smtp]] one per table.
    std::vector<Section> instances(std::string_view key);
    // The [<this>.limits] table over `defaults`.
    Limits limits(const Limits& defaults);
    // The section as TOML text, sub-tables included, followed by the modification time and size
    // of every existing file a string value names (users, zones, certificates): equal texts mean
    // equal settings and unchanged files.
    std::string text() const;
    // Reports the keys nobody asked for, then also for every sub-section handed out.
    void finish();
    // An error about this section (a value that parsed but makes no sense).
    void error(std::string_view key, const std::string& message);
    // What a service reads at start, checked here so that `config check` says what `up` would
    // refuse: an error at `key` unless `path` (when not empty) is a directory / a readable file.
    void require_directory(std::string_view key, const std::string& path);
    void require_readable_file(std::string_view key, const std::string& path);
    // Records that this section's service creates `path` at start, so a later section's
    // require_readable_file(path) accepts it missing.
    void will_create(const std::string& path);

private:
    const void* find(std::string_view key);
    int line_of(std::string_view key) const;

    const void* table_;
    std::string path_;
    std::shared_ptr<Diagnostics> diagnostics_;
    int line_;
    std::vector<std::string> used_;
};

class ConfigFile {
public:
    // Parses TOML text; syntax errors go to diagnostics().
    ConfigFile(std::string_view text, std::string file_name);
    ~ConfigFile();
    ConfigFile(const ConfigFile&) = delete;

    // The top-level table (empty when the text did not parse).
    Section root();
    const Diagnostics& diagnostics() const { return *diagnostics_; }
    bool ok() const { return diagnostics_->errors.empty(); }

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
    std::shared_ptr<Diagnostics> diagnostics_;
};

// Reads a whole file; nullopt when it cannot be read.
std::optional<std::string> read_text_file(const std::string& path);

}  // namespace layer7::core
