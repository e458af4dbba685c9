// Message as text, laid out as dig prints it, so transcripts and test failures read familiarly.
#include "dns/wire/message.hpp"

namespace layer7::dns {

std::string to_text(const Record& rr)
{
    return rr.owner.to_text() + "\t" + std::to_string(rr.ttl) + "\t" + to_text(rr.klass) + "\t" + to_text(rr.type) +
           "\t" + to_text(rr.data);
}

std::string to_text(const Message& m)
{
    std::string out = ";; ->>HEADER<<- opcode: " + to_text(m.flags.opcode) + ", status: " + to_text(m.rcode) +
                      ", id: " + std::to_string(m.id) + "\n;; flags:";
    const std::pair<bool, const char*> flags[] = {{m.flags.qr, "qr"}, {m.flags.aa, "aa"}, {m.flags.tc, "tc"},
                                                  {m.flags.rd, "rd"}, {m.flags.ra, "ra"}, {m.flags.ad, "ad"},
                                                  {m.flags.cd, "cd"}};
    for (auto [set, name] : flags)
        if (set)
            out += std::string(" ") + name;
    out += "; QUERY: " + std::to_string(m.questions.size()) + ", ANSWER: " + std::to_string(m.answers.size()) +
           ", AUTHORITY: " + std::to_string(m.authority.size()) +
           ", ADDITIONAL: " + std::to_string(m.additional.size() + (m.edns ? 1 : 0)) + "\n";
    if (m.edns) {
        out += "\n;; OPT PSEUDOSECTION:\n; EDNS: version: " + std::to_string(m.edns->version) + ", flags:";
        if (m.edns->do_bit)
            out += " do";
        out += "; udp: " + std::to_string(m.edns->udp_size) + "\n";
        for (auto& o : m.edns->options)
            out += "; OPT=" + std::to_string(o.code) + ": " + to_text(Rdata(Unknown{o.data})).substr(3) + "\n";
    }
    if (!m.questions.empty()) {
        out += "\n;; QUESTION SECTION:\n";
        for (auto& q : m.questions)
            out += ";" + q.name.to_text() + "\t\t" + to_text(q.klass) + "\t" + to_text(q.type) + "\n";
    }
    const std::pair<const std::vector<Record>*, const char*> sections[] = {
        {&m.answers, "ANSWER"}, {&m.authority, "AUTHORITY"}, {&m.additional, "ADDITIONAL"}};
    for (auto [records, title] : sections) {
        if (records->empty())
            continue;
        out += std::string("\n;; ") + title + " SECTION:\n";
        for (auto& rr : *records)
            out += to_text(rr) + "\n";
    }
    return out;
}

std::string query_summary(const Message& q)
{
    std::string out = std::to_string(q.id);
    if (q.flags.opcode != Opcode::query)
        out += " " + to_text(q.flags.opcode);
    for (auto& question : q.questions)
        out += " " + to_text(question.type) + " " + question.name.to_text();
    if (q.flags.rd)
        out += " +rd";
    if (q.edns)
        out += " +edns=" + std::to_string(q.edns->udp_size);
    return out;
}

std::string reply_summary(const Message& r)
{
    std::string out = to_text(r.rcode);
    if (r.flags.aa)
        out += " aa";
    if (r.flags.tc)
        out += " tc";
    if (r.flags.ra)
        out += " ra";
    out += " " + std::to_string(r.answers.size()) + " answer";
    if (!r.authority.empty())
        out += ", " + std::to_string(r.authority.size()) + " authority";
    if (!r.additional.empty())
        out += ", " + std::to_string(r.additional.size()) + " additional";
    return out;
}

}  // namespace layer7::dns
