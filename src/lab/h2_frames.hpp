// HTTP/2 as the lab's relay sees it cross the link: raw bytes of one direction of a connection cut
// into frames, one transcript line each ("DATA stream=3 length=16384 END_STREAM"), so a report
// shows how the server interleaves its responses. Header blocks stay compressed (HPACK): their
// frames are shown by size. Pure.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace layer7::lab {

class H2FrameLines {
public:
    // `from_client`: the bytes begin with the client's connection preface (RFC 9113 §3.4).
    explicit H2FrameLines(bool from_client) : preface_left_(from_client ? preface.size() : 0) {}
    // The lines of the frames that `bytes` completes (a frame's line once its last byte is in).
    std::vector<std::string> feed(std::string_view bytes);

    static constexpr std::string_view preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

private:
    std::size_t preface_left_;
    std::string header_;  // the current frame's header, whole once its payload is being read
    std::size_t payload_left_ = 0;
};

}  // namespace layer7::lab
