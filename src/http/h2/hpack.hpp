// HPACK (RFC 7541) for our own framing: a thin owner of nghttp2's header-block inflater, the one
// part of nghttp2 the server session still uses, and an encoder of our own. A block is decoded
// piece by piece as HEADERS and CONTINUATION frames arrive (no reassembly buffer) and encoded
// straight into the output.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct nghttp2_hd_inflater;

namespace layer7::http::h2 {

// nghttp2's allocator for the inflater: it keeps a few small blocks freed, since the inflater
// allocates and frees buffers for each literal it decodes.
struct HpackMemory;
struct HpackMemoryDelete {
    void operator()(HpackMemory* memory) const;
};
using HpackMemoryPtr = std::unique_ptr<HpackMemory, HpackMemoryDelete>;

class HpackDecoder {
public:
    // Called once per decoded field; the views live until the next call.
    using OnField = void (*)(void* context, std::string_view name, std::string_view value);

    HpackDecoder();
    ~HpackDecoder();
    HpackDecoder(const HpackDecoder&) = delete;

    // Decodes `piece` of a header block; `last`: the block ends with it. False on a decoding
    // error, which RFC 9113 §4.3 makes a connection error (COMPRESSION_ERROR).
    bool decode(std::span<const std::uint8_t> piece, bool last, OnField on_field, void* context);

private:
    HpackMemoryPtr memory_;
    nghttp2_hd_inflater* inflater_ = nullptr;
};

// Our own encoder. nghttp2's never indexes etag, so each response for an object carried it as a
// literal for the client to decode again, and it hashes every field to search its table; the
// fields of one site's responses repeat, and a linear search of a small table finds them
// sooner. What it indexes: see hpack_encoder.cpp.
class HpackEncoder {
public:
    // RFC 7541 §6.5.2's default for the table: the client may lower it, we never go above it.
    static constexpr std::size_t table_limit = 4096;

    // The fields of one block, then encode() appends the block to `out`; the views must live
    // until then.
    void clear() { fields_.clear(); }
    void add(std::string_view name, std::string_view value) { fields_.push_back({name, value}); }
    void encode(std::string& out);
    // The client's SETTINGS_HEADER_TABLE_SIZE (RFC 7541 §4.2).
    void set_table_size(std::uint32_t size);

private:
    struct Field {
        std::string_view name;
        std::string_view value;
    };
    struct Entry {
        std::string text;  // name then value
        std::size_t name_length;
        std::string_view name() const { return std::string_view(text).substr(0, name_length); }
        std::string_view value() const { return std::string_view(text).substr(name_length); }
    };
    void encode_field(Field f, std::string& out);
    void insert(Field f);
    void evict_to(std::size_t bytes);

    std::vector<Field> fields_;  // reused: no allocation per response
    // The dynamic table, oldest first: the newest, the back, is index 62 on the wire. Evicting
    // moves the rest down, which a table of at most 128 entries does quickly, and seldom.
    std::vector<Entry> table_;
    std::size_t table_bytes_ = 0;  // RFC 7541 §4.1's size: 32 more per entry than its text
    std::string spare_text_;       // an evicted entry's storage, for the next one
    std::size_t table_max_ = table_limit;
    // A change of the maximum is said at the start of the next block (§4.2): the lowest it went
    // to, if lower than the new one, and the new one.
    std::size_t lowest_since_block_ = table_limit;
    bool max_changed_ = false;
};

}  // namespace layer7::http::h2
