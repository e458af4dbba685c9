// Content codings a client undoes (RFC 9110 §8.4.1): gzip, x-gzip and deflate, with zlib.
// Bounded, so a decompression bomb stops at `max_output`.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace layer7::http::client {

enum class Coding { identity, gzip, deflate, unknown };
// The coding named by a Content-Encoding value (one coding; a list is `unknown`).
Coding coding_of(std::string_view content_encoding);

enum class DecodeStatus { ok, corrupt, too_large };

class ContentDecoder {
public:
    ContentDecoder(Coding coding, std::size_t max_output = 256u << 20);
    ~ContentDecoder();
    ContentDecoder(const ContentDecoder&) = delete;

    // Appends the decoded form of `input` to `out`.
    DecodeStatus feed(std::string_view input, std::string& out);
    // Whether the compressed stream ended properly (a truncated body is corrupt).
    bool finished() const { return finished_; }

private:
    struct Zlib;
    std::unique_ptr<Zlib> z_;
    Coding coding_;
    std::size_t max_output_;
    std::size_t produced_ = 0;
    bool finished_ = false;
};

// The whole body at once.
DecodeStatus decode_content(Coding coding, std::string_view input, std::string& out,
                            std::size_t max_output = 256u << 20);

}  // namespace layer7::http::client
