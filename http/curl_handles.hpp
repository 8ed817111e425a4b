#pragma once

// libcurl's handles as unique owners: each is cleaned up exactly once, by the
// function libcurl asks for, in the reverse order of its owner's members.

#include <curl/curl.h>

#include <memory>

namespace klarna::http {

struct easy_cleanup {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct multi_cleanup {
  void operator()(CURLM* handle) const { curl_multi_cleanup(handle); }
};
struct share_cleanup {
  void operator()(CURLSH* handle) const { curl_share_cleanup(handle); }
};
struct header_list_cleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

using easy_handle = std::unique_ptr<CURL, easy_cleanup>;
using multi_handle = std::unique_ptr<CURLM, multi_cleanup>;
using share_handle = std::unique_ptr<CURLSH, share_cleanup>;
using header_list = std::unique_ptr<curl_slist, header_list_cleanup>;

} // namespace klarna::http
