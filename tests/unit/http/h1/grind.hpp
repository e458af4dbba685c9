// Test helper: feeds a byte stream to a parser in any split and records what came out, so every
// message can be checked split at every byte offset (Beast's parsegrind).
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "http/h1/request_parser.hpp"
#include "http/h1/response_parser.hpp"

namespace layer7::http::h1::test {

struct Transcript {
    std::vector<std::string> heads;  // one line per message: start line | fields
    std::vector<std::string> bodies;
    std::vector<std::string> trailers;
    std::size_t completed = 0;
    std::optional<Error> error;
    bool operator==(const Transcript&) const = default;
};

inline std::string describe_fields(const Fields& f)
{
    std::string s;
    for (Field x : f)
        s += "|" + std::string(x.name) + "=" + std::string(x.value);
    return s;
}

inline std::string describe_head(const RequestParser& p)
{
    const Request& r = p.request();
    return std::string(r.method.name()) + " " + r.target + " " + std::to_string(r.version.major) + "." +
           std::to_string(r.version.minor) + describe_fields(r.fields);
}

inline std::string describe_head(const ResponseParser& p)
{
    const Response& r = p.response();
    return std::to_string(code(r.status)) + " " + r.reason + describe_fields(r.fields);
}

// Drains events after a feed.
template <class Parser>
void drain(Parser& p, Transcript& t)
{
    while (!t.error) {
        Event e = p.next();
        switch (e.kind) {
        case EventKind::need_more: return;
        case EventKind::head:
            t.heads.push_back(describe_head(p));
            t.bodies.emplace_back();
            break;
        case EventKind::data: t.bodies.back().append(e.data); break;
        case EventKind::complete:
            ++t.completed;
            t.trailers.push_back(describe_fields(p.trailers()));
            if (p.upgraded())
                return;
            break;
        case EventKind::error: t.error = p.error(); return;
        }
    }
}

// Feeds `input` in pieces cut at `cuts` (sorted offsets), then optionally signals EOF.
template <class Parser>
Transcript run(Parser& p, std::string_view input, const std::vector<std::size_t>& cuts, bool eof)
{
    Transcript t;
    std::size_t at = 0;
    for (std::size_t cut : cuts) {
        p.feed(input.substr(at, cut - at));
        drain(p, t);
        at = cut;
    }
    p.feed(input.substr(at));
    drain(p, t);
    if (eof && !t.error) {
        Event e = p.finish();
        if (e.kind == EventKind::complete) {
            ++t.completed;
            t.trailers.push_back(describe_fields(p.trailers()));
        } else if (e.kind == EventKind::error) {
            t.error = p.error();
        }
    }
    return t;
}

// The whole input at once, then every two-way split, then one byte at a time: all must agree.
template <class MakeParser>
auto grind(std::string_view input, MakeParser make, bool eof = false)
{
    auto whole_parser = make();
    Transcript whole = run(whole_parser, input, {}, eof);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        auto p = make();
        EXPECT_EQ(run(p, input, {cut}, eof), whole) << "split at " << cut;
    }
    std::vector<std::size_t> every;
    for (std::size_t i = 1; i < input.size(); ++i)
        every.push_back(i);
    auto p = make();
    EXPECT_EQ(run(p, input, every, eof), whole) << "byte at a time";
    return whole;
}

inline Transcript grind_request(std::string_view input, ParserLimits limits = {})
{
    return grind(input, [&] { return RequestParser(limits); });
}

inline std::ostream& operator<<(std::ostream& os, const Transcript& t)
{
    os << "{heads:";
    for (auto& h : t.heads)
        os << " [" << h << "]";
    os << " bodies:";
    for (auto& b : t.bodies)
        os << " [" << b << "]";
    os << " completed:" << t.completed;
    if (t.error)
        os << " error:" << describe(*t.error);
    return os << "}";
}

}  // namespace layer7::http::h1::test
