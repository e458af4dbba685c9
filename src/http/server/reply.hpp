// Reply: a response head plus a body made of in-memory text and file segments, so a large file
// goes out with sendfile(2) while small generated parts (multipart boundaries) are plain bytes,
// and optionally a source pulled while it is sent (generated or relayed content of any length).
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/net/byte_source.hpp"
#include "http/message/message.hpp"

namespace layer7::http {

// An open file shared by the segments that refer to it; closed when the last one goes.
struct OpenFile {
    int fd = -1;
    explicit OpenFile(int f) : fd(f) {}
    ~OpenFile()
    {
        if (fd >= 0)
            ::close(fd);
    }
    OpenFile(const OpenFile&) = delete;
};

// One part of a body: own text, a slice of a shared cached buffer, or a file segment.
struct BodyPiece {
    std::string text;
    std::shared_ptr<const std::string> shared;  // cached content: `length` bytes from `offset`
    std::shared_ptr<OpenFile> file;             // an open file: `length` bytes from `offset`
    std::uint64_t offset = 0;
    std::uint64_t length = 0;

    static BodyPiece of_text(std::string t)
    {
        BodyPiece p;
        p.text = std::move(t);
        return p;
    }
    std::uint64_t size() const { return (file || shared) ? length : text.size(); }
    // The bytes of an in-memory piece (text or shared slice).
    std::string_view bytes() const
    {
        return shared ? std::string_view(*shared).substr(offset, length) : std::string_view(text);
    }
};

struct Reply {
    Response response;
    std::vector<BodyPiece> body;
    bool close = false;    // close the connection after this reply
    bool chunked = false;  // length not known up front: chunked for HTTP/1.1, close-delimited for 1.0
    // Pulled after `body` as the connection takes it (backpressure). Without a size() it makes the
    // length unknown: chunked on HTTP/1.1, close-delimited on 1.0.
    std::shared_ptr<core::ByteSource> source;
    // The source is a stream of events (text/event-stream) that may wait long between chunks: each
    // chunk goes out as soon as it comes, and a stopping server pulls no more of it.
    bool live = false;
    // Link values for a 103 Early Hints sent before this reply (RFC 8297); not to HTTP/1.0 clients.
    std::vector<std::string> early_hints;

    // The content length, when it is known before sending.
    std::optional<std::uint64_t> body_size() const
    {
        std::uint64_t n = 0;
        for (const auto& p : body)
            n += p.size();
        if (source) {
            const auto rest = source->size();
            if (!rest)
                return std::nullopt;
            n += *rest;
        }
        if (chunked)
            return std::nullopt;
        return n;
    }
};

// A reply with a short text body (errors, redirects, built-in pages).
Reply text_reply(Status status, std::string body, std::string_view content_type = "text/plain; charset=utf-8");
// The standard error page for a status.
Reply error_reply(Status status);

}  // namespace layer7::http
