// HpackEncoder: see hpack.hpp.
#include "http/h2/hpack.hpp"

#include <algorithm>

#include "http/h2/hpack_tables.hpp"

namespace layer7::http::h2 {

namespace {

constexpr std::size_t entry_overhead = 32;  // RFC 7541 §4.1

enum class Indexing { incremental, without, never };

// Everything that may repeat goes into the table (a site's etag and last-modified do, with each
// request for the same object). Values that differ with nearly every message stay out, where
// they would only push out what repeats. Credentials and short cookies are never indexed, and
// say so to any proxy that re-encodes them (§7.1.3: a guessable secret in a shared table leaks
// through the compressed size).
Indexing indexing_for(std::string_view name, std::string_view value)
{
    if (name == "authorization" || name == "proxy-authorization" || name == "set-cookie" ||
        (name == "cookie" && value.size() < 20))
        return Indexing::never;
    if (name == ":path" || name == "content-length" || name == "content-range" || name == "age" || name == "location" ||
        name == "if-modified-since" || name == "if-none-match")
        return Indexing::without;
    return Indexing::incremental;
}

// §5.1: `value` after a prefix of `prefix_bits`, the bits above them in the first byte being `high`.
void append_integer(std::string& out, unsigned high, unsigned prefix_bits, std::size_t value)
{
    const std::size_t filled = (std::size_t{1} << prefix_bits) - 1;
    if (value < filled) {
        out.push_back(static_cast<char>(high | value));
        return;
    }
    out.push_back(static_cast<char>(high | filled));
    for (value -= filled; value >= 0x80; value >>= 7)
        out.push_back(static_cast<char>(0x80 | (value & 0x7f)));
    out.push_back(static_cast<char>(value));
}

// §5.2: Huffman-coded when that is shorter.
void append_string(std::string& out, std::string_view text)
{
    const std::size_t coded = hpack::huffman_length(text);
    if (coded < text.size()) {
        append_integer(out, 0x80, 7, coded);
        hpack::append_huffman(text, out);
    } else {
        append_integer(out, 0, 7, text.size());
        out.append(text);
    }
}

}  // namespace

void HpackEncoder::encode(std::string& out)
{
    if (max_changed_) {  // §6.3
        if (lowest_since_block_ < table_max_)
            append_integer(out, 0x20, 5, lowest_since_block_);
        append_integer(out, 0x20, 5, table_max_);
        max_changed_ = false;
    }
    for (Field f : fields_)
        encode_field(f, out);
}

void HpackEncoder::encode_field(Field f, std::string& out)
{
    // The dynamic table first: in a connection's steady state nearly every field is found there.
    std::size_t name_index = 0;
    std::size_t index = hpack::static_table_size;
    for (auto e = table_.rbegin(); e != table_.rend(); ++e) {
        ++index;
        if (e->name_length != f.name.size() || e->name() != f.name)
            continue;
        if (e->value() == f.value) {  // §6.1
            append_integer(out, 0x80, 7, index);
            return;
        }
        if (name_index == 0)
            name_index = index;
    }
    const hpack::StaticMatch in_static = hpack::find_static(f.name, f.value);
    if (in_static.full) {
        append_integer(out, 0x80, 7, in_static.full);
        return;
    }
    if (in_static.name)
        name_index = in_static.name;
    Indexing how = indexing_for(f.name, f.value);
    // One entry filling most of the table would push out everything else for itself.
    if (how == Indexing::incremental && f.name.size() + f.value.size() + entry_overhead > table_max_ * 3 / 4)
        how = Indexing::without;
    switch (how) {  // §6.2.1, §6.2.2, §6.2.3
    case Indexing::incremental: append_integer(out, 0x40, 6, name_index); break;
    case Indexing::without: append_integer(out, 0x00, 4, name_index); break;
    case Indexing::never: append_integer(out, 0x10, 4, name_index); break;
    }
    if (name_index == 0)
        append_string(out, f.name);
    append_string(out, f.value);
    if (how == Indexing::incremental)
        insert(f);
}

void HpackEncoder::insert(Field f)
{
    // §4.4: room is made first (the decoder evicts the same entries); f's views are not into the table.
    const std::size_t size = f.name.size() + f.value.size() + entry_overhead;
    evict_to(table_max_ - size);  // size <= table_max_ * 3 / 4: see encode_field
    std::string text = std::move(spare_text_);
    text.assign(f.name).append(f.value);
    table_.push_back(Entry{std::move(text), f.name.size()});
    table_bytes_ += size;
}

void HpackEncoder::evict_to(std::size_t bytes)
{
    std::size_t oldest = 0;
    for (; table_bytes_ > bytes; ++oldest)
        table_bytes_ -= table_[oldest].text.size() + entry_overhead;
    if (oldest == 0)
        return;
    spare_text_ = std::move(table_[oldest - 1].text);
    table_.erase(table_.begin(), table_.begin() + static_cast<std::ptrdiff_t>(oldest));
}

void HpackEncoder::set_table_size(std::uint32_t size)
{
    const std::size_t max = std::min<std::size_t>(size, table_limit);
    if (max == table_max_ && !max_changed_)
        return;
    lowest_since_block_ = max_changed_ ? std::min(lowest_since_block_, max) : max;
    max_changed_ = true;
    table_max_ = max;
    evict_to(table_max_);
}

}  // namespace layer7::http::h2
