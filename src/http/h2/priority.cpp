// RFC 9218 priorities: see priority.hpp.
#include "http/h2/priority.hpp"

namespace layer7::http::h2 {

namespace {

bool is_key_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*';
}

void skip_spaces(std::string_view& s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
}

}  // namespace

Priority parse_priority(std::string_view s, Priority base)
{
    Priority p = base;
    for (;;) {
        skip_spaces(s);
        std::size_t k = 0;
        while (k < s.size() && is_key_char(s[k]))
            ++k;
        if (k == 0)
            return p;  // not a dictionary key: stop where we are (the members before it stand)
        const std::string_view key = s.substr(0, k);
        s.remove_prefix(k);
        // The value: a bare key is boolean true; otherwise "=" and an item (parameters skipped).
        std::string_view item = "?1";
        if (!s.empty() && s.front() == '=') {
            s.remove_prefix(1);
            std::size_t n = 0;
            while (n < s.size() && s[n] != ',' && s[n] != ';')
                ++n;
            item = s.substr(0, n);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t'))
                item.remove_suffix(1);
            s.remove_prefix(n);
        }
        while (!s.empty() && s.front() != ',')  // parameters of the member: not ours
            s.remove_prefix(1);
        if (key == "u" && item.size() == 1 && item[0] >= '0' && item[0] <= '7')
            p.urgency = static_cast<std::uint8_t>(item[0] - '0');
        else if (key == "i" && (item == "?1" || item == "?0"))
            p.incremental = item == "?1";
        if (s.empty())
            return p;
        s.remove_prefix(1);  // ','
    }
}

void Scheduler::unlink(List& list, ScheduleNode& node)
{
    (node.prev ? node.prev->next : list.head) = node.next;
    (node.next ? node.next->prev : list.tail) = node.prev;
    node.prev = node.next = nullptr;
}

void Scheduler::push(ScheduleNode& node)
{
    if (node.queued)
        return;
    node.queued = true;
    ++queued_;
    List& list = list_of(node);
    if (node.priority.incremental) {  // round-robin: to the back
        node.prev = list.tail;
        node.next = nullptr;
        (list.tail ? list.tail->next : list.head) = &node;
        list.tail = &node;
        return;
    }
    // In stream order; a new stream has the highest id so far, so the walk is usually none.
    ScheduleNode* after = list.tail;
    while (after && after->stream > node.stream)
        after = after->prev;
    node.prev = after;
    node.next = after ? after->next : list.head;
    (node.next ? node.next->prev : list.tail) = &node;
    (after ? after->next : list.head) = &node;
}

void Scheduler::remove(ScheduleNode& node)
{
    if (!node.queued)
        return;
    unlink(list_of(node), node);
    node.queued = false;
    --queued_;
}

void Scheduler::reprioritize(ScheduleNode& node, Priority priority)
{
    const bool was_queued = node.queued;
    remove(node);
    node.priority = priority;
    if (was_queued)
        push(node);
}

ScheduleNode* Scheduler::top() const
{
    if (queued_ == 0)
        return nullptr;
    for (std::size_t u = 0; u < sequential_.size(); ++u) {
        if (sequential_[u].head)
            return sequential_[u].head;
        if (incremental_[u].head)
            return incremental_[u].head;
    }
    return nullptr;
}

void Scheduler::sent(ScheduleNode& node)
{
    if (!node.queued || !node.priority.incremental || !node.next)
        return;
    List& list = list_of(node);
    unlink(list, node);
    node.prev = list.tail;
    (list.tail ? list.tail->next : list.head) = &node;
    list.tail = &node;
}

}  // namespace layer7::http::h2
