# mortar_module(): one static library per module of src/, the layers the build enforces.
#
#   mortar_module(NAME DIR <src subdirectory> [PUBLIC_HEADERS <include/mortar subdirectory>]
#                 [DEPENDS <modules below it>...] [LIBRARIES <third-party targets>...])
#
# A module compiles the .cc files directly in src/<DIR> (not its subdirectories, which
# are modules of their own; tests, benchmarks and cli/main.cc are left out). Its headers,
# public (include/mortar/<PUBLIC_HEADERS>/) and private (src/<DIR>/*.h), are not reached
# through include/ or src/: each module gets a view of its own headers in the build
# directory (links to the files), and only the module and the modules that depend on it,
# directly or through others, have that view on their include path. An include of a
# module that is not below the one including it is "file not found": the layering is a
# compile error, not a review comment (docs/architecture.md#layers).

set(MORTAR_MODULE_VIEWS ${CMAKE_BINARY_DIR}/module-headers)
file(REMOVE_RECURSE ${MORTAR_MODULE_VIEWS})

# Every module links these privately: third-party code is not a layer.
add_library(mortar_third_party INTERFACE)
target_link_libraries(mortar_third_party INTERFACE
  Mortar::openssl_first SQLite::SQLite3 nlohmann_json::nlohmann_json OpenSSL::Crypto Threads::Threads CURL::libcurl
  Mortar::thrift Mortar::lz4 Mortar::odbc PkgConfig::SODIUM PkgConfig::HTTPLIB Mortar::rsvg_headers)

# One precompiled header for every module: the heavy third-party headers nearly every
# file includes. Modules reuse it (REUSE_FROM), so it is compiled once per build.
option(MORTAR_PCH "Precompile the common third-party headers" ON)
if(MORTAR_PCH)
  file(WRITE ${CMAKE_BINARY_DIR}/mortar_pch.cc "// The translation unit of the shared precompiled header.\n")
  add_library(mortar_pch OBJECT ${CMAKE_BINARY_DIR}/mortar_pch.cc)
  target_link_libraries(mortar_pch PRIVATE mortar_third_party Mortar::arrow)
  target_compile_definitions(mortar_pch PRIVATE MORTAR_VERSION="${PROJECT_VERSION}")
  target_precompile_headers(mortar_pch PRIVATE
    <algorithm> <filesystem> <functional> <map> <memory> <optional> <string> <vector>
    <arrow/api.h> <nlohmann/json.hpp>)
  # clang stamps a precompiled header with the time it was built, so every file that
  # includes it missed the compiler cache and the fuzz build recompiled everything
  # (about 3 minutes) on every run; without the stamp it is cached as GCC's is.
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(mortar_pch PRIVATE -Xclang -fno-pch-timestamp)
  endif()
endif()

function(_mortar_link_headers view relative_root)
  foreach(header ${ARGN})
    file(RELATIVE_PATH relative ${relative_root} ${header})
    get_filename_component(folder ${view}/${relative} DIRECTORY)
    file(MAKE_DIRECTORY ${folder})
    file(CREATE_LINK ${header} ${view}/${relative} SYMBOLIC)
  endforeach()
endfunction()

function(mortar_module name)
  cmake_parse_arguments(PARSE_ARGV 1 M "" "DIR;PUBLIC_HEADERS" "DEPENDS;LIBRARIES")
  set(target mortar_${name})
  file(GLOB sources CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${M_DIR}/*.cc)
  list(FILTER sources EXCLUDE REGEX "_(test|benchmark)\\.cc$")
  list(FILTER sources EXCLUDE REGEX "src/cli/main\\.cc$")
  add_library(${target} STATIC ${sources} ${M_UNPARSED_ARGUMENTS})

  set(view ${MORTAR_MODULE_VIEWS}/${name})
  file(MAKE_DIRECTORY ${view})
  file(GLOB private_headers CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/src/${M_DIR}/*.h)
  _mortar_link_headers(${view} ${PROJECT_SOURCE_DIR}/src ${private_headers})
  if(M_PUBLIC_HEADERS)
    file(GLOB public_headers CONFIGURE_DEPENDS
         ${PROJECT_SOURCE_DIR}/include/mortar/${M_PUBLIC_HEADERS}/*.h)
    _mortar_link_headers(${view} ${PROJECT_SOURCE_DIR}/include ${public_headers})
  endif()
  target_include_directories(${target} PUBLIC ${view})

  list(TRANSFORM M_DEPENDS PREPEND mortar_)
  target_link_libraries(${target} PUBLIC ${M_DEPENDS} PRIVATE mortar_third_party ${M_LIBRARIES})
  target_compile_definitions(${target} PRIVATE MORTAR_VERSION="${PROJECT_VERSION}")
  if(MORTAR_PCH)
    target_precompile_headers(${target} REUSE_FROM mortar_pch)
  endif()
  set_property(GLOBAL APPEND PROPERTY MORTAR_MODULES ${target})
endfunction()
