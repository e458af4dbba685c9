// SpareStorage: the field lines and body-piece lists of finished exchanges, kept by a worker for
// its next ones. A Fields costs two allocations (its text and its line index) and a body list one;
// an HTTP/2 stream that gives its request's and reply's back, and a handler that takes its reply's
// from here, answer a cached file with none of them.
#pragma once

#include <cstddef>
#include <vector>

#include "core/net/worker_slots.hpp"
#include "http/message/fields.hpp"
#include "http/server/reply.hpp"

namespace layer7::http {

class SpareStorage {
public:
    static SpareStorage& of(core::WorkerSlots& worker);

    // Empty, with whatever room an earlier one had.
    Fields take_fields();
    std::vector<BodyPiece> take_body();
    // A reply whose fields and body list come from here.
    Reply take_reply();

    // Kept when there is room and the storage is not outsized (a rare huge header is let go).
    void give(Fields&& fields);
    void give(std::vector<BodyPiece>&& body);

private:
    static constexpr std::size_t max_kept = 256;                // of each kind: a worker's busiest moment
    static constexpr std::size_t max_fields_bytes = 16 * 1024;  // per Fields kept
    std::vector<Fields> fields_;
    std::vector<std::vector<BodyPiece>> bodies_;
};

}  // namespace layer7::http
