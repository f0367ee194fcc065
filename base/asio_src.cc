// The one translation unit that compiles Boost.Asio, Asio SSL and Beast (separate compilation,
// see BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION on billet_webhook).
// Every other file includes their headers without instantiating the implementation again.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
