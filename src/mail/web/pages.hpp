// Web mail's HTML (pure): every page from a plain view struct, every piece of mail text escaped.
// Plain HTML forms that work without script; /mail/app.js only brings new mail in without a
// reload (the /mail/events stream, else polling /mail/state), and without it a link reloads.
// Every POST form carries the session's CSRF token.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mail/web/listing.hpp"

namespace layer7::mail::web {

struct FolderRow {
    std::string name;  // as stored (modified UTF-7); shown as folder_label(name)
    std::size_t unread = 0, total = 0;
};

struct Frame {          // what every page after login shows
    std::string base;   // the mount prefix, "/mail"
    std::string login;  // who is logged in
    std::string csrf;
    std::vector<FolderRow> folders;
    std::string folder;  // the current one
};

struct MailboxView {
    Frame frame;
    ListQuery query;
    ListPage page;
    std::uint32_t uid_next = 0;  // for the poller: a change means new mail
    std::string notice;          // "Message sent", …
    std::string stamp;           // FolderStamp: a change means the list is out of date
};

struct Attachment {
    std::size_t index = 0;  // the leaf number in the message (the part URL)
    std::string filename, content_type;
    std::uint64_t size = 0;
};

struct MessageView {
    Frame frame;
    std::uint32_t uid = 0;
    std::string from, to, cc, date, subject, flags;
    bool html = false;
    std::string body;  // html: already sanitised; text: raw, escaped here
    std::size_t blocked_images = 0;
    bool remote_allowed = false;
    std::vector<Attachment> attachments;
};

struct ComposeView {
    Frame frame;
    std::string to, cc, subject, text;
    std::string forward_folder;  // forward: the original's attachments go along
    std::uint32_t forward_uid = 0;
    std::vector<Attachment> forwarded;  // carried from the original or the draft ("drop" removes one)
    std::string error;
    std::uint32_t draft_uid = 0;  // the draft in Drafts this compose resumes: replaced on save, gone on send
    std::string notice;           // "Draft saved."
};

std::string login_page(std::string_view base, std::string_view csrf, std::string_view error);
std::string mailbox_page(const MailboxView& view);
std::string message_page(const MessageView& view);
std::string compose_page(const ComposeView& view);
std::string notice_page(const Frame& frame, std::string_view title, std::string_view text);

struct FoldersView {
    Frame frame;
    std::string error, notice;
    std::string typed;  // what the create field held when it was refused
};
// Every folder with its counts; create, and rename and delete for all but the fixed ones.
std::string folders_page(const FoldersView& view);

// The state for the push stream and the poller, as JSON (one line): {"folder":…,"uidnext":N,
// "stamp":…,"folders":[{"name":…,"label":…,"unread":N,"total":N}…]} (label: the name decoded).
std::string state_json(const Frame& frame, std::uint32_t uid_next, std::string_view stamp);

// The static script and style sheet under the mount (app.js, style.css).
std::string_view app_script();
std::string_view style_sheet();

// A query-string value (percent-encoded).
std::string url_value(std::string_view text);

}  // namespace layer7::mail::web
