# The one-way layer rule (docs/ARCHITECTURE.md), enforced by the compiler.
#
# A layer's sources are compiled with an include root of their own that holds only
# the folders the layer may see: its own and those of the layers below it, as
# symbolic links. An #include "actors/…" written in logic/ therefore fails to
# compile ("No such file or directory"), and so does an #include "logic/plan/…"
# written in logic/parse/ (a component folder is a layer of its own). The layers below messages/ are also free
# of CAF: for them <caf/…> resolves to a header that stops the build with #error.

set(KLARNA_LAYER_ROOTS ${CMAKE_BINARY_DIR}/layer_roots)

# A directory whose caf/ holds, for every installed CAF header, one that fails.
function(klarna_make_caf_poison)
  set(poison ${KLARNA_LAYER_ROOTS}/no_caf)
  if(EXISTS ${poison}/caf/all.hpp)
    return()
  endif()
  file(GLOB_RECURSE caf_headers RELATIVE /usr/include /usr/include/caf/*.hpp)
  foreach(header ${caf_headers})
    file(WRITE ${poison}/${header}
         "#error \"this layer is CAF-free (cmake/layers.cmake): <${header}> may be included only from messages/, actors/, sinks/ and app/\"\n")
  endforeach()
endfunction()

# klarna_layer_root(TARGET [CAF_FREE] FOLDERS folder...): compile TARGET against a
# root that shows only FOLDERS (and, for CAF_FREE targets, no CAF).
function(klarna_layer_root target)
  cmake_parse_arguments(LAYER "CAF_FREE" "" "FOLDERS" ${ARGN})
  set(root ${KLARNA_LAYER_ROOTS}/${target})
  file(REMOVE_RECURSE ${root})
  file(MAKE_DIRECTORY ${root})
  foreach(folder ${LAYER_FOLDERS})
    # A component folder (logic/parse) is linked alone, its parent made for it.
    get_filename_component(parent ${root}/${folder} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${folder} ${root}/${folder} SYMBOLIC)
  endforeach()
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE ${root})
    return()
  endif()
  target_include_directories(${target} PRIVATE ${root})
  if(LAYER_CAF_FREE)
    klarna_make_caf_poison()
    target_include_directories(${target} BEFORE PRIVATE ${KLARNA_LAYER_ROOTS}/no_caf)
  endif()
endfunction()
