// Config: see config.hpp. The only file that includes toml++.
#include "core/config/config.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>

namespace layer7::core {

namespace {
const toml::table* as_table(const void* p)
{
    return static_cast<const toml::table*>(p);
}
int line_of_node(const toml::node& node)
{
    return static_cast<int>(node.source().begin.line);
}
}  // namespace

void Diagnostics::error(int line, const std::string& message)
{
    errors.push_back(file + ":" + std::to_string(line) + ": " + message);
}

Section::Section(const void* table, std::string path, std::shared_ptr<Diagnostics> diagnostics, int line)
    : table_(table), path_(std::move(path)), diagnostics_(std::move(diagnostics)), line_(line)
{
}

const void* Section::find(std::string_view key)
{
    used_.emplace_back(key);
    if (!table_)
        return nullptr;
    return as_table(table_)->get(key);
}

namespace {
void stamp_files(const toml::node& node, std::ostringstream& out)
{
    if (const auto* text = node.as_string()) {
        struct stat st {};
        if (!text->get().empty() && ::stat(text->get().c_str(), &st) == 0 && S_ISREG(st.st_mode))
            out << '\n' << text->get() << '@' << st.st_mtim.tv_sec << '.' << st.st_mtim.tv_nsec << ':' << st.st_size;
    } else if (const auto* array = node.as_array()) {
        for (const toml::node& item : *array)
            stamp_files(item, out);
    } else if (const auto* table = node.as_table()) {
        for (auto&& [key, value] : *table)
            stamp_files(value, out);
    }
}
}  // namespace

std::string Section::text() const
{
    if (!table_)
        return {};
    std::ostringstream out;
    out << toml::toml_formatter(*as_table(table_));
    stamp_files(*as_table(table_), out);
    return out.str();
}

int Section::line_of(std::string_view key) const
{
    if (table_)
        if (const toml::node* node = as_table(table_)->get(key))
            return line_of_node(*node);
    return line_;
}

void Section::error(std::string_view key, const std::string& message)
{
    const std::string where = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    diagnostics_->error(line_of(key), where + ": " + message);
}

void Section::require_directory(std::string_view key, const std::string& path)
{
    std::error_code ec;
    if (!path.empty() && !std::filesystem::is_directory(path, ec))
        error(key, "no such directory: " + path);
}

void Section::require_readable_file(std::string_view key, const std::string& path)
{
    std::error_code ec;
    if (path.empty())
        return;
    const auto& created = diagnostics_->created_at_start;
    if (std::find(created.begin(), created.end(), path) != created.end() && !std::filesystem::exists(path, ec))
        return;
    if (!std::filesystem::is_regular_file(path, ec))
        error(key, "no such file: " + path);
    else if (::access(path.c_str(), R_OK) != 0)
        error(key, "cannot read " + path);
}

void Section::will_create(const std::string& path)
{
    diagnostics_->created_at_start.push_back(path);
}

bool Section::boolean(std::string_view key, bool fallback)
{
    auto* node = static_cast<const toml::node*>(find(key));
    if (!node)
        return fallback;
    if (auto v = node->value<bool>())
        return *v;
    error(key, "expected true or false");
    return fallback;
}

std::string Section::string(std::string_view key, const std::string& fallback)
{
    auto* node = static_cast<const toml::node*>(find(key));
    if (!node)
        return fallback;
    if (auto v = node->value<std::string>())
        return *v;
    error(key, "expected a string");
    return fallback;
}

std::int64_t Section::integer(std::string_view key, std::int64_t fallback, std::int64_t min, std::int64_t max)
{
    auto* node = static_cast<const toml::node*>(find(key));
    if (!node)
        return fallback;
    auto v = node->value<std::int64_t>();
    if (!v || !node->is_integer()) {
        error(key, "expected an integer");
        return fallback;
    }
    if (*v < min || *v > max) {
        error(key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
        return fallback;
    }
    return *v;
}

std::vector<std::string> Section::strings(std::string_view key, const std::vector<std::string>& fallback)
{
    auto* node = static_cast<const toml::node*>(find(key));
    if (!node)
        return fallback;
    if (auto s = node->value<std::string>())
        return {*s};  // a single string stands for a list of one
    const toml::array* array = node->as_array();
    if (!array) {
        error(key, "expected a string or a list of strings");
        return fallback;
    }
    std::vector<std::string> out;
    for (const toml::node& item : *array) {
        auto s = item.value<std::string>();
        if (!s) {
            error(key, "expected a list of strings");
            return fallback;
        }
        out.push_back(*s);
    }
    return out;
}

std::chrono::seconds Section::seconds(std::string_view key, std::chrono::seconds fallback)
{
    return std::chrono::seconds(integer(key, fallback.count(), 0, 365LL * 24 * 3600));
}

HostPort Section::address(std::string_view key, const HostPort& fallback)
{
    const std::string text = string(key, "");
    if (text.empty())
        return fallback;
    if (auto hp = parse_host_port(text))
        return *hp;
    error(key, "expected host:port or [v6]:port, got '" + text + "'");
    return fallback;
}

Section Section::section(std::string_view key)
{
    const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    auto* node = static_cast<const toml::node*>(find(key));
    if (!node)
        return Section(nullptr, path, diagnostics_, line_);
    if (!node->is_table()) {
        error(key, "expected a table");
        return Section(nullptr, path, diagnostics_, line_);
    }
    return Section(node->as_table(), path, diagnostics_, line_of_node(*node));
}

std::vector<Section> Section::sections(std::string_view key)
{
    const std::string path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
    auto* node = static_cast<const toml::node*>(find(key));
    std::vector<Section> out;
    if (!node)
        return out;
    const toml::array* array = node->as_array();
    if (!array || !array->is_array_of_tables()) {
        error(key, "expected an array of tables ([[" + path + "]])");
        return out;
    }
    for (const toml::node& item : *array)
        out.emplace_back(item.as_table(), path, diagnostics_, line_of_node(item));
    return out;
}

std::vector<Section> Section::instances(std::string_view key)
{
    auto* node = static_cast<const toml::node*>(find(key));
    if (node && node->is_array())
        return sections(key);
    std::vector<Section> out;
    if (Section one = section(key); one.present())
        out.push_back(std::move(one));
    return out;
}

Limits Section::limits(const Limits& defaults)
{
    Section s = section("limits");
    Limits l = defaults;
    constexpr std::int64_t big = std::int64_t{1} << 40;
    l.max_line = static_cast<std::size_t>(s.integer("max_line", static_cast<std::int64_t>(l.max_line), 64, 1 << 20));
    l.max_header =
        static_cast<std::size_t>(s.integer("max_header", static_cast<std::int64_t>(l.max_header), 256, 1 << 24));
    l.max_message =
        static_cast<std::size_t>(s.integer("max_message", static_cast<std::int64_t>(l.max_message), 1, big));
    l.max_connections = static_cast<std::size_t>(
        s.integer("max_connections", static_cast<std::int64_t>(l.max_connections), 1, 1 << 24));
    l.max_per_client =
        static_cast<std::size_t>(s.integer("max_per_client", static_cast<std::int64_t>(l.max_per_client), 0, 1 << 24));
    l.per_client_loopback = s.boolean("per_client_loopback", l.per_client_loopback);
    l.idle_timeout = s.seconds("idle_timeout", l.idle_timeout);
    l.total_timeout = s.seconds("total_timeout", l.total_timeout);
    s.finish();
    return l;
}

void Section::finish()
{
    if (!table_)
        return;
    for (auto&& [key, node] : *as_table(table_)) {
        if (std::find(used_.begin(), used_.end(), key.str()) == used_.end()) {
            const std::string where = path_.empty() ? std::string(key.str()) : path_ + "." + std::string(key.str());
            diagnostics_->error(line_of_node(node), "unknown key '" + where + "'");
        }
    }
}

struct ConfigFile::Impl {
    toml::table table;
};

ConfigFile::ConfigFile(std::string_view text, std::string file_name)
    : impl_(std::make_unique<Impl>()), diagnostics_(std::make_shared<Diagnostics>())
{
    diagnostics_->file = file_name;
    try {
        impl_->table = toml::parse(text, file_name);
    } catch (const toml::parse_error& e) {
        diagnostics_->error(static_cast<int>(e.source().begin.line), std::string(e.description()));
    }
}

ConfigFile::~ConfigFile() = default;

Section ConfigFile::root()
{
    return Section(ok() ? &impl_->table : nullptr, "", diagnostics_, 1);
}

std::optional<std::string> read_text_file(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace layer7::core
