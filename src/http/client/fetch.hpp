// Fetching a URL the way a user agent does: cookies from the jar (RFC 6265 §5.4) and back into
// it, Accept-Encoding and gzip/deflate decoding, and redirects (RFC 9110 §15.4) up to a hop limit;
// the final body whole (fetch) or pulled as it arrives (fetch_stream).
#pragma once

#include <functional>
#include <string>

#include "http/client/client.hpp"
#include "http/client/cookie_jar.hpp"

namespace layer7::http::client {

struct FetchOptions {
    int max_redirects = 0;                 // 0: return the 3xx itself
    bool decode = true;                    // ask for gzip and undo it (-o writes the decoded content)
    std::size_t max_decoded = 256u << 20;  // decoded bytes at most (a decompression bomb)
    CookieJar* jar = nullptr;
    // Each hop's head, e.g. to print -v headers (the body is empty: it is not read yet).
    std::function<void(const Exchange&)> on_exchange;
};

struct FetchResult {
    Exchange last;    // the final response (body decoded when `decode`)
    std::string url;  // where it came from
    int redirects = 0;
};

struct FetchStream {
    ResponseStream last;  // the final response; its body decoded as pulled when `decode`
    std::string url;
    int redirects = 0;
};

// Follows the hops; the final body is left for the caller to pull (Client::open()'s rules: read
// it to the end to reuse the connection; `client` must outlive it).
core::awaitable<core::Result<FetchStream, Failure>> fetch_stream(Client& client, std::string url, Request request,
                                                                 std::string body, const FetchOptions& options);
// fetch_stream() with the body read whole.
core::awaitable<core::Result<FetchResult, Failure>> fetch(Client& client, std::string url, Request request,
                                                          std::string body, const FetchOptions& options);

}  // namespace layer7::http::client
