# Finds Mortar's dependencies. Arrow C++ (with Parquet, compute and Acero) comes from
# the pyarrow wheel in the project's virtual environment (scripts/setup makes it);
# everything else from Debian packages.
find_package(Threads REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(OpenSSL REQUIRED)
# pyarrow's libparquet carries a copy of OpenSSL's libcrypto and exports its functions.
# The dynamic linker serves each call (ours, libcurl's, libssl's) from the first library
# in the process's lookup order that has the function, and libparquet came before
# libcrypto: libssl's calls went to libparquet's copy, except those it lacks (loading
# certificates, PEM), which went to Debian's, two copies sharing one TLS connection's
# objects. Naming Debian's libssl and libcrypto first on every link line (whether the
# program calls them or not) puts them first in that order.
add_library(Mortar::openssl_first INTERFACE IMPORTED)
target_link_options(Mortar::openssl_first INTERFACE
  "SHELL:LINKER:--push-state,--no-as-needed ${OPENSSL_SSL_LIBRARY} ${OPENSSL_CRYPTO_LIBRARY} LINKER:--pop-state")
# libcurl (OpenSSL flavour) for the HTTP client in src/http/.
find_package(CURL 7.68 REQUIRED)
# libsodium (the vault's authenticated encryption, Argon2id password hashes) and
# cpp-httplib (the embedded server of `mortar serve`), from Debian through pkg-config.
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
# Charts as PNG: librsvg draws our SVG onto a cairo image surface. Only its headers
# are used at build time: src/charts/png_renderer.cc loads the library on the first
# picture (linked, its forty dependencies would load with every command).
pkg_check_modules(RSVG REQUIRED librsvg-2.0 cairo)
add_library(Mortar::rsvg_headers INTERFACE IMPORTED)
target_include_directories(Mortar::rsvg_headers SYSTEM INTERFACE ${RSVG_INCLUDE_DIRS})
target_link_libraries(Mortar::rsvg_headers INTERFACE ${CMAKE_DL_LIBS})
# Apache Thrift (library and compiler) and LZ4 from Debian, for the Databricks driver.
find_program(MORTAR_THRIFT_COMPILER thrift REQUIRED)
# Thrift is linked statically with its symbols hidden: pyarrow's libparquet carries
# its own Thrift and calls it through the dynamic linker, so a shared libthrift of
# another version would be bound in its place (and crash Parquet writes).
find_library(MORTAR_THRIFT_LIBRARY NAMES libthrift.a REQUIRED)
find_path(MORTAR_THRIFT_INCLUDE_DIR thrift/Thrift.h REQUIRED)
add_library(Mortar::thrift STATIC IMPORTED)
set_target_properties(Mortar::thrift PROPERTIES IMPORTED_LOCATION "${MORTAR_THRIFT_LIBRARY}")
target_include_directories(Mortar::thrift SYSTEM INTERFACE "${MORTAR_THRIFT_INCLUDE_DIR}")
target_link_options(Mortar::thrift INTERFACE "LINKER:--exclude-libs,libthrift.a")
find_library(MORTAR_LZ4_LIBRARY lz4 REQUIRED)
find_path(MORTAR_LZ4_INCLUDE_DIR lz4frame.h REQUIRED)
add_library(Mortar::lz4 UNKNOWN IMPORTED)
set_target_properties(Mortar::lz4 PROPERTIES IMPORTED_LOCATION "${MORTAR_LZ4_LIBRARY}")
target_include_directories(Mortar::lz4 SYSTEM INTERFACE "${MORTAR_LZ4_INCLUDE_DIR}")

# unixODBC's driver manager, for user-provided (ODBC) Databricks drivers.
find_library(MORTAR_ODBC_LIBRARY odbc REQUIRED)
add_library(Mortar::odbc UNKNOWN IMPORTED)
set_target_properties(Mortar::odbc PROPERTIES IMPORTED_LOCATION "${MORTAR_ODBC_LIBRARY}")

if(MORTAR_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()

set(MORTAR_PYTHON "$ENV{HOME}/.cache/mortar/venv/bin/python" CACHE FILEPATH
    "The Python interpreter whose pyarrow wheel provides Arrow C++")
execute_process(
  COMMAND ${MORTAR_PYTHON} -c
          "import pyarrow as pa; print(pa.get_include()); print(pa.get_library_dirs()[0]); print(pa.__version__)"
  OUTPUT_VARIABLE _pyarrow_out
  RESULT_VARIABLE _pyarrow_rc
  OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT _pyarrow_rc EQUAL 0)
  message(FATAL_ERROR "pyarrow was not found with ${MORTAR_PYTHON}: run scripts/setup first")
endif()
string(REPLACE "\n" ";" _pyarrow_lines "${_pyarrow_out}")
list(GET _pyarrow_lines 0 MORTAR_ARROW_INCLUDE_DIR)
list(GET _pyarrow_lines 1 MORTAR_ARROW_LIBRARY_DIR)
list(GET _pyarrow_lines 2 MORTAR_ARROW_VERSION)
message(STATUS "Arrow C++ ${MORTAR_ARROW_VERSION} from pyarrow: ${MORTAR_ARROW_LIBRARY_DIR}")

foreach(_lib arrow parquet arrow_compute arrow_acero)
  if(NOT EXISTS "${MORTAR_ARROW_LIBRARY_DIR}/lib${_lib}.so")
    message(FATAL_ERROR "lib${_lib}.so is missing in ${MORTAR_ARROW_LIBRARY_DIR}: run scripts/setup")
  endif()
  add_library(Mortar::${_lib} SHARED IMPORTED)
  set_target_properties(Mortar::${_lib} PROPERTIES
    IMPORTED_LOCATION "${MORTAR_ARROW_LIBRARY_DIR}/lib${_lib}.so"
    IMPORTED_NO_SONAME OFF)
  # Arrow's headers are third-party: no warnings from them.
  target_include_directories(Mortar::${_lib} SYSTEM INTERFACE "${MORTAR_ARROW_INCLUDE_DIR}")
endforeach()
set(CMAKE_BUILD_RPATH "${MORTAR_ARROW_LIBRARY_DIR}")
set(CMAKE_INSTALL_RPATH "${MORTAR_ARROW_LIBRARY_DIR}")
