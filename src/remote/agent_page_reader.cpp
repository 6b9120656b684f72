// One pass over a page of the agents' listing: a Boost.JSON parser whose handler follows the
// envelope (root, `data`, `items`, `pagination`) and hands each item's events to a value_stack
// in an arena reused from item to item, the way Boost.JSON's own parser builds a tree.
#include "reconcile/remote/agent_page_reader.hpp"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/value_stack.hpp>

#include <string>

#include "reconcile/remote/envelope.hpp"
#include "reconcile/util/json.hpp"

namespace reconcile {

namespace {

using boost::system::error_code;

class AgentPageHandler {
public:
    static constexpr std::size_t max_object_size = json::object::max_size();
    static constexpr std::size_t max_array_size = json::array::max_size();
    static constexpr std::size_t max_key_size = json::string::max_size();
    static constexpr std::size_t max_string_size = json::string::max_size();

    AgentPage page;

    // True when the page had the documented shape and every item became a LiveAgent.
    bool complete() const { return !failed_ && root_seen_ && data_seen_ && items_seen_; }

    bool on_document_begin(error_code&) { return true; }
    bool on_document_end(error_code&) { return true; }

    bool on_object_begin(error_code& ec) { return in_item_ ? open() : open_container(false, ec); }

    bool on_object_end(std::size_t n, error_code& ec) {
        if (in_item_) {
            stack_.push_object(n);
            if (--depth_in_item_ == 0) return finish_item(ec);
            return true;
        }
        roles_.pop_back();
        return true;
    }

    bool on_array_begin(error_code& ec) { return in_item_ ? open() : open_container(true, ec); }

    bool on_array_end(std::size_t n, error_code&) {
        if (in_item_) {
            stack_.push_array(n);
            --depth_in_item_;
            return true;
        }
        roles_.pop_back();
        return true;
    }

    bool on_key_part(json::string_view s, std::size_t, error_code&) {
        if (in_item_) stack_.push_chars(s);
        else key_part_.append(s.data(), s.size());
        return true;
    }

    bool on_key(json::string_view s, std::size_t, error_code&) {
        if (in_item_) {
            stack_.push_key(s);
            return true;
        }
        key_part_.append(s.data(), s.size());
        key_.swap(key_part_);
        key_part_.clear();
        return true;
    }

    bool on_string_part(json::string_view s, std::size_t, error_code&) {
        if (in_item_) stack_.push_chars(s);
        return true;
    }

    bool on_string(json::string_view s, std::size_t, error_code& ec) {
        if (in_item_) {
            stack_.push_string(s);
            return true;
        }
        return other_scalar(ec);
    }

    bool on_number_part(json::string_view, error_code&) { return true; }

    bool on_int64(std::int64_t i, json::string_view, error_code& ec) {
        if (in_item_) {
            stack_.push_int64(i);
            return true;
        }
        return page_number(i, ec);
    }

    bool on_uint64(std::uint64_t u, json::string_view, error_code& ec) {
        if (in_item_) {
            stack_.push_uint64(u);
            return true;
        }
        return page_number(static_cast<long long>(u), ec);
    }

    bool on_double(double d, json::string_view, error_code& ec) {
        if (in_item_) {
            stack_.push_double(d);
            return true;
        }
        return other_scalar(ec);
    }

    bool on_bool(bool b, error_code& ec) {
        if (in_item_) {
            stack_.push_bool(b);
            return true;
        }
        // `success: false` carries an error the general reader words.
        if (!roles_.empty() && roles_.back() == Role::Root && key_ == "success" && !b) return fail(ec);
        return other_scalar(ec);
    }

    bool on_null(error_code& ec) {
        if (in_item_) {
            stack_.push_null();
            return true;
        }
        return other_scalar(ec);
    }

    bool on_comment_part(json::string_view, error_code&) { return true; }
    bool on_comment(json::string_view, error_code&) { return true; }

private:
    enum class Role { None, Root, Data, Items, Pagination, Other };

    bool enter(Role role) {
        roles_.push_back(role);
        return true;
    }

    bool open() {
        ++depth_in_item_;
        return true;
    }

    // An object or array opens outside the items: which part of the envelope it is.
    bool open_container(bool array, error_code& ec) {
        const Role parent = roles_.empty() ? Role::None : roles_.back();
        switch (parent) {
            case Role::None:
                if (array) return fail(ec);
                root_seen_ = true;
                return enter(Role::Root);
            case Role::Root:
                // `data` as a bare list is the general reader's case.
                if (key_ == "data") return array ? fail(ec) : once(data_seen_, ec) && enter(Role::Data);
                return enter(Role::Other);
            case Role::Data:
                if (key_ == "items" && array) return once(items_seen_, ec) && enter(Role::Items);
                if (key_ == "pagination") return array ? fail(ec) : once(pagination_seen_, ec) && enter(Role::Pagination);
                if (is_data_shape_key()) return fail(ec);
                return enter(Role::Other);
            case Role::Items:
                if (array) return fail(ec);
                in_item_ = true;
                stack_.reset(json::storage_ptr(&arena_));
                return open();
            case Role::Pagination:
                if (is_page_number_key()) return fail(ec);
                return enter(Role::Other);
            case Role::Other:
                return enter(Role::Other);
        }
        return fail(ec);
    }

    bool fail(error_code& ec) {
        failed_ = true;
        ec = make_error_code(boost::system::errc::invalid_argument);
        return false;
    }

    // A member that may appear once: a second one is for the general reader.
    bool once(bool& seen, error_code& ec) {
        if (seen) return fail(ec);
        seen = true;
        return true;
    }

    // Keys of the other page shapes the general reader accepts (`data.data`, `data.last_page`).
    bool is_data_shape_key() const { return key_ == "data" || key_ == "last_page" || key_ == "current_page"; }
    bool is_page_number_key() const { return key_ == "current_page" || key_ == "last_page"; }

    // A string, double, bool or null outside the items: fine where nothing is expected of it.
    bool other_scalar(error_code& ec) {
        if (roles_.empty()) return fail(ec);
        switch (roles_.back()) {
            case Role::Root:
                if (key_ == "data") return fail(ec);
                return true;
            case Role::Data:
                if (key_ == "items" || key_ == "pagination" || is_data_shape_key()) return fail(ec);
                return true;
            case Role::Pagination:
                if (is_page_number_key()) return fail(ec);  // a page number that is not an integer
                return true;
            case Role::Items:
                return fail(ec);
            default:
                return true;
        }
    }

    bool page_number(long long n, error_code& ec) {
        if (!roles_.empty() && roles_.back() == Role::Pagination) {
            if (key_ == "current_page") page.current_page = n;
            else if (key_ == "last_page") page.last_page = n;
            return true;
        }
        return other_scalar(ec);
    }

    bool finish_item(error_code& ec) {
        in_item_ = false;
        {
            json::value item = stack_.release();
            auto agent = live_agent_from_page(item.as_object());
            if (!agent) return fail(ec);  // no `agent_uuid`: the general reader says which item
            page.agents.push_back(std::move(*agent));
        }
        arena_.reset();
        return true;
    }

    JsonArena arena_{64 * 1024};
    json::value_stack stack_;
    std::vector<Role> roles_;
    std::string key_, key_part_;
    std::size_t depth_in_item_ = 0;
    bool in_item_ = false;
    bool failed_ = false;
    bool root_seen_ = false;
    bool data_seen_ = false;
    bool items_seen_ = false;
    bool pagination_seen_ = false;
};

}  // namespace

struct AgentPageReader::Impl {
    std::optional<json::basic_parser<AgentPageHandler>> parser;
    bool refused = false;
    bool complete = false;

    bool feed(bool more, std::string_view bytes) {
        if (refused || !parser) return false;
        error_code ec;
        try {
            const std::size_t used = parser->write_some(more, bytes.data(), bytes.size(), ec);
            if (ec || used != bytes.size()) refused = true;
        } catch (const std::exception&) {
            refused = true;  // the general reader reports it
        }
        return !refused;
    }
};

AgentPageReader::AgentPageReader() : impl_(std::make_unique<Impl>()) {}
AgentPageReader::~AgentPageReader() = default;

bool AgentPageReader::begin(unsigned status, std::string_view content_type) {
    impl_->parser.reset();
    impl_->refused = false;
    impl_->complete = false;
    HttpResponse head;
    head.status = status;
    head.content_type = std::string(content_type);
    if (!is_json_success(head)) return false;
    impl_->parser.emplace(json::parse_options{});
    return true;
}

bool AgentPageReader::write(std::string_view bytes) { return impl_->feed(true, bytes); }

bool AgentPageReader::finish() {
    if (!impl_->feed(false, std::string_view("", 0))) return false;
    if (!impl_->parser->done() || !impl_->parser->handler().complete()) {
        impl_->refused = true;
        return false;
    }
    impl_->complete = true;
    return true;
}

AgentPage AgentPageReader::take() {
    AgentPage page;
    if (impl_->complete) page = std::move(impl_->parser->handler().page);
    impl_->complete = false;
    return page;
}

std::optional<AgentPage> read_agent_page(std::string_view body) {
    AgentPageReader reader;
    if (!reader.begin(200, "application/json") || !reader.write(body) || !reader.finish()) return std::nullopt;
    return reader.take();
}

}  // namespace reconcile
