// The compiled parts of Boost.Asio and Boost.Beast, built once for the whole
// program (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION)
// so the other translation units stay quick to compile.
#include <boost/asio/impl/src.hpp>
#include <boost/beast/src.hpp>
