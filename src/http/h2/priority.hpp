// RFC 9218 extensible priorities on the server: the Priority Field Value parser (`u=N, i`, from
// the `priority` request field or a PRIORITY_UPDATE frame) and the scheduler that picks which
// stream's DATA goes next: lower urgency first; within an urgency the non-incremental streams one
// after another in stream order, then the incremental ones round-robin, a frame each (§10).
// Intrusive lists: a stream carries its own node, so scheduling allocates nothing.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace layer7::http::h2 {

struct Priority {
    std::uint8_t urgency = 3;  // 0 (first) .. 7 (last), RFC 9218 §4.1
    bool incremental = false;  // §4.2
};

// The members `u` and `i` of a Structured Fields dictionary (RFC 8941 §3.2) applied over `base`;
// unknown members and ill-formed values are ignored (RFC 9218 §4: "MUST ignore").
Priority parse_priority(std::string_view value, Priority base = {});

// A stream's place in the scheduler.
struct ScheduleNode {
    ScheduleNode* prev = nullptr;
    ScheduleNode* next = nullptr;
    std::int32_t stream = 0;
    Priority priority;
    bool queued = false;
};

class Scheduler {
public:
    // The stream has DATA it may send now.
    void push(ScheduleNode& node);
    void remove(ScheduleNode& node);
    // A new priority: the node moves to its new list if queued.
    void reprioritize(ScheduleNode& node, Priority priority);
    // The stream to send from next, or null.
    ScheduleNode* top() const;
    // `node` (the top) sent a frame: an incremental stream goes to the back of its list.
    void sent(ScheduleNode& node);
    bool empty() const { return queued_ == 0; }

private:
    struct List {
        ScheduleNode* head = nullptr;
        ScheduleNode* tail = nullptr;
    };
    List& list_of(const ScheduleNode& node)
    {
        return node.priority.incremental ? incremental_[node.priority.urgency] : sequential_[node.priority.urgency];
    }
    static void unlink(List& list, ScheduleNode& node);

    std::array<List, 8> sequential_, incremental_;
    std::size_t queued_ = 0;
};

}  // namespace layer7::http::h2
