// HPACK (RFC 7541) for our own framing: thin owners of nghttp2's header-block inflater and
// deflater, the one part of nghttp2 the server session still uses. A block is decoded piece by
// piece as HEADERS and CONTINUATION frames arrive (no reassembly buffer) and encoded straight
// into the output.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct nghttp2_hd_inflater;
struct nghttp2_hd_deflater;

namespace layer7::http::h2 {

// nghttp2's allocator for one inflater or deflater: it keeps a few small blocks freed, since
// both allocate and free one per header block (nghttp2_hd_deflate_hd's buffer chain).
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

class HpackEncoder {
public:
    HpackEncoder();
    ~HpackEncoder();
    HpackEncoder(const HpackEncoder&) = delete;

    // The fields of one block, then encode() appends the block to `out`.
    void clear();
    void add(std::string_view name, std::string_view value);
    void encode(std::string& out);
    // The client's SETTINGS_HEADER_TABLE_SIZE (RFC 7541 §4.2).
    void set_table_size(std::uint32_t size);

private:
    struct Field {  // laid out as nghttp2_nv (checked in hpack.cpp), whose typedef cannot be declared here
        const std::uint8_t* name;
        const std::uint8_t* value;
        std::size_t name_length;
        std::size_t value_length;
        std::uint8_t flags;
    };
    HpackMemoryPtr memory_;
    nghttp2_hd_deflater* deflater_ = nullptr;
    std::vector<Field> fields_;  // reused: no allocation per response
};

}  // namespace layer7::http::h2
