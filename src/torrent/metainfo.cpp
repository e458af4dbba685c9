// Metainfo: see metainfo.hpp.
#include "torrent/metainfo.hpp"

#include <algorithm>

namespace layer7::torrent {

std::uint64_t Metainfo::total_length() const
{
    std::uint64_t n = 0;
    for (const auto& f : files)
        n += f.length;
    return n;
}

std::vector<std::string> Metainfo::trackers() const
{
    std::vector<std::string> out;
    auto add = [&](const std::string& url) {
        if (!url.empty() && std::find(out.begin(), out.end(), url) == out.end())
            out.push_back(url);
    };
    add(announce);
    for (const auto& tier : announce_list)
        for (const auto& url : tier)
            add(url);
    return out;
}

std::string to_string(const MetainfoFailure& failure)
{
    switch (failure.error) {
    case MetainfoError::too_large: return "torrent file too large";
    case MetainfoError::bencode: return std::string(to_string(failure.bencode));
    case MetainfoError::not_a_dictionary: return "torrent file is not a dictionary";
    case MetainfoError::no_info: return "no info dictionary";
    case MetainfoError::bad_name: return "missing or unsafe name";
    case MetainfoError::bad_piece_length: return "bad piece length";
    case MetainfoError::bad_pieces: return "pieces do not match the length";
    case MetainfoError::bad_length: return "bad length";
    case MetainfoError::bad_files: return "bad files list";
    case MetainfoError::unsafe_path: return "unsafe file path (empty, '.', '..', '/' or NUL component)";
    case MetainfoError::bad_announce: return "bad announce or announce-list";
    }
    return "bad torrent file";
}

bool safe_path_component(std::string_view c)
{
    return !c.empty() && c != "." && c != ".." && c.find('/') == std::string_view::npos &&
           c.find('\0') == std::string_view::npos;
}

namespace {

core::Error<MetainfoFailure> failure(MetainfoError e)
{
    return core::fail(MetainfoFailure{e});
}

// The raw bytes of the top-level key `key` in a document already known to be valid bencode.
std::string_view raw_value(std::string_view document, std::string_view key)
{
    std::size_t pos = 1;  // after 'd'
    while (pos < document.size() && document[pos] != 'e') {
        std::size_t used = 0;
        auto k = decode_prefix(document.substr(pos), used);
        pos += used;
        const std::size_t start = pos;
        (void)decode_prefix(document.substr(pos), used);
        pos += used;
        if (k && k->string() && *k->string() == key)
            return document.substr(start, pos - start);
    }
    return {};
}

std::optional<std::uint64_t> non_negative(const Value* v)
{
    if (!v || !v->integer() || *v->integer() < 0)
        return std::nullopt;
    return static_cast<std::uint64_t>(*v->integer());
}

bool read_files(const Value& list, Metainfo& meta, const MetainfoLimits& limits)
{
    const auto* items = list.list();
    if (!items || items->empty() || items->size() > limits.max_files)
        return false;
    for (const auto& item : *items) {
        FileEntry entry;
        auto length = non_negative(item.find("length"));
        const Value* path = item.find("path");
        if (!length || !path || !path->list() || path->list()->empty() ||
            path->list()->size() > limits.max_path_components)
            return false;
        entry.length = *length;
        for (const auto& component : *path->list()) {
            if (!component.string())
                return false;
            entry.path.push_back(*component.string());
        }
        meta.files.push_back(std::move(entry));
    }
    return true;
}

bool read_trackers(const Value& root, Metainfo& meta)
{
    if (const Value* a = root.find("announce")) {
        if (!a->string())
            return false;
        meta.announce = *a->string();
    }
    if (const Value* list = root.find("announce-list")) {
        if (!list->list())
            return false;
        for (const auto& tier : *list->list()) {
            if (!tier.list())
                return false;
            std::vector<std::string> urls;
            for (const auto& url : *tier.list()) {
                if (!url.string())
                    return false;
                urls.push_back(*url.string());
            }
            meta.announce_list.push_back(std::move(urls));
        }
    }
    return true;
}

}  // namespace

core::Result<Metainfo, MetainfoFailure> parse_metainfo(std::string_view file, const MetainfoLimits& limits)
{
    if (file.size() > limits.max_file)
        return failure(MetainfoError::too_large);
    auto decoded = decode(file);
    if (!decoded)
        return core::fail(MetainfoFailure{MetainfoError::bencode, decoded.error()});
    const Value& root = *decoded;
    if (!root.dict())
        return failure(MetainfoError::not_a_dictionary);
    const Value* info = root.find("info");
    if (!info || !info->dict())
        return failure(MetainfoError::no_info);

    Metainfo meta;
    const Value* name = info->find("name");
    if (!name || !name->string() || !safe_path_component(*name->string()))
        return failure(MetainfoError::bad_name);
    meta.name = *name->string();

    auto piece_length = non_negative(info->find("piece length"));
    if (!piece_length || *piece_length == 0 || *piece_length > limits.max_piece_length)
        return failure(MetainfoError::bad_piece_length);
    meta.piece_length = *piece_length;

    const Value* length = info->find("length");
    const Value* files = info->find("files");
    if ((length != nullptr) == (files != nullptr))
        return failure(MetainfoError::bad_length);
    if (length) {
        auto n = non_negative(length);
        if (!n)
            return failure(MetainfoError::bad_length);
        meta.files.push_back({{meta.name}, *n});
    } else {
        meta.multi_file = true;
        if (!read_files(*files, meta, limits))
            return failure(MetainfoError::bad_files);
        for (const auto& f : meta.files)
            if (!std::all_of(f.path.begin(), f.path.end(), safe_path_component))
                return failure(MetainfoError::unsafe_path);
    }
    std::uint64_t total = 0;
    for (const auto& f : meta.files) {
        if (f.length > limits.max_total_length - total)
            return failure(MetainfoError::bad_length);
        total += f.length;
    }

    const Value* pieces = info->find("pieces");
    if (!pieces || !pieces->string() || pieces->string()->size() % piece_hash_size != 0)
        return failure(MetainfoError::bad_pieces);
    meta.pieces = *pieces->string();
    if (meta.piece_count() != (total + meta.piece_length - 1) / meta.piece_length)
        return failure(MetainfoError::bad_pieces);

    if (const Value* p = info->find("private"))
        meta.is_private = p->integer() && *p->integer() == 1;
    if (!read_trackers(root, meta))
        return failure(MetainfoError::bad_announce);
    if (const Value* c = root.find("comment"); c && c->string())
        meta.comment = *c->string();
    if (const Value* c = root.find("created by"); c && c->string())
        meta.created_by = *c->string();
    if (const Value* d = root.find("creation date"); d && d->integer())
        meta.creation_date = *d->integer();
    meta.info_bytes = std::string(raw_value(file, "info"));
    return meta;
}

Value info_dictionary(const Metainfo& meta)
{
    Value::Dict info;
    if (meta.multi_file) {
        Value::List files;
        for (const auto& f : meta.files) {
            Value::List path(f.path.begin(), f.path.end());
            files.push_back(Value::Dict{{"length", static_cast<std::int64_t>(f.length)}, {"path", std::move(path)}});
        }
        info.push_back({"files", std::move(files)});
    } else {
        info.push_back({"length", static_cast<std::int64_t>(meta.total_length())});
    }
    info.push_back({"name", meta.name});
    info.push_back({"piece length", static_cast<std::int64_t>(meta.piece_length)});
    info.push_back({"pieces", meta.pieces});
    if (meta.is_private)
        info.push_back({"private", 1});
    return info;
}

std::string encode_metainfo(const Metainfo& meta)
{
    Value::Dict root;
    if (!meta.announce.empty())
        root.push_back({"announce", meta.announce});
    if (!meta.announce_list.empty()) {
        Value::List tiers;
        for (const auto& tier : meta.announce_list)
            tiers.push_back(Value::List(tier.begin(), tier.end()));
        root.push_back({"announce-list", std::move(tiers)});
    }
    if (!meta.comment.empty())
        root.push_back({"comment", meta.comment});
    if (!meta.created_by.empty())
        root.push_back({"created by", meta.created_by});
    if (meta.creation_date)
        root.push_back({"creation date", *meta.creation_date});
    root.push_back({"info", info_dictionary(meta)});
    return encode(root);
}

std::string torrent_from_info(std::string_view info_bytes, const std::vector<std::string>& trackers)
{
    // Written by hand rather than through a Value: the info bytes go in as they came. The keys
    // "announce" < "announce-list" < "info" are in sorted order.
    std::string out = "d";
    if (!trackers.empty()) {
        out += encode(Value("announce")) + encode(Value(trackers.front()));
        Value::List tiers;
        for (const auto& url : trackers)
            tiers.push_back(Value::List{url});
        out += encode(Value("announce-list")) + encode(Value(std::move(tiers)));
    }
    out += encode(Value("info"));
    out += info_bytes;
    out += "e";
    return out;
}

}  // namespace layer7::torrent
