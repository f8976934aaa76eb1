# Installing and packaging labgrade: `cmake --install build`, or `cpack -G DEB` in the build
# folder for a .deb of the distribution it was built on (Debian 12, Ubuntu 24.04).
#
# What is installed: labgrade and labgrade-cell-init in bin/; the shipped labs in
# share/labgrade/labs/<lab>/ as lab bundles (grading/lab_bundle.h: the spec, handout, data and
# the reference built, never its sources), where `labgrade check <lab>` finds them by name; the
# README and the lab-writing guide in share/doc/labgrade/.
include(GNUInstallDirs)

# The shipped labs, bundled with the labgrade just built and unpacked into the build tree's
# share/labgrade/labs (where build/labgrade finds them by name too). Bundled again when a lab,
# its reference or labgrade changes.
set(LABGRADE_SHIPPED_LABS_DIR ${PROJECT_BINARY_DIR}/share/labgrade/labs)
set(LABGRADE_BUNDLES_DIR ${PROJECT_BINARY_DIR}/bundles)
file(GLOB LABGRADE_LAB_SPECS CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/labs/*/lab.yaml)
set(LABGRADE_SHIPPED_LAB_OUTPUTS)
foreach(spec ${LABGRADE_LAB_SPECS})
  get_filename_component(lab_dir ${spec} DIRECTORY)
  get_filename_component(lab ${lab_dir} NAME)
  file(GLOB_RECURSE lab_inputs CONFIGURE_DEPENDS ${lab_dir}/* ${PROJECT_SOURCE_DIR}/reference/${lab}/*)
  add_custom_command(
    OUTPUT ${LABGRADE_SHIPPED_LABS_DIR}/${lab}/bundle.json ${LABGRADE_BUNDLES_DIR}/${lab}.tar.gz
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${LABGRADE_SHIPPED_LABS_DIR}/${lab}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${LABGRADE_SHIPPED_LABS_DIR} ${LABGRADE_BUNDLES_DIR}
    COMMAND $<TARGET_FILE:labgrade> bundle ${lab_dir} --out ${LABGRADE_BUNDLES_DIR}/${lab}.tar.gz
            > /dev/null
    COMMAND ${CMAKE_COMMAND} -E chdir ${LABGRADE_SHIPPED_LABS_DIR}
            ${CMAKE_COMMAND} -E tar xzf ${LABGRADE_BUNDLES_DIR}/${lab}.tar.gz
    DEPENDS labgrade ${lab_inputs}
    COMMENT "Bundling the shipped lab ${lab}")
  list(APPEND LABGRADE_SHIPPED_LAB_OUTPUTS ${LABGRADE_SHIPPED_LABS_DIR}/${lab}/bundle.json)
endforeach()
add_custom_target(shipped-labs ALL DEPENDS ${LABGRADE_SHIPPED_LAB_OUTPUTS})

install(TARGETS labgrade labgrade-cell-init RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${LABGRADE_SHIPPED_LABS_DIR}/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/labgrade/labs USE_SOURCE_PERMISSIONS)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${PROJECT_SOURCE_DIR}/labs/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        RENAME writing-labs.md)

# The .deb: named labgrade_<version>-1~<distribution>_<arch>.deb (debian12, ubuntu24.04), so
# that the packages of both distributions can sit in one release. Its dependencies: the shared
# libraries labgrade links (found by dpkg-shlibdeps, from dpkg-dev), and the programs it runs:
# gcc and libc6-dev build students' C code, binutils gives nm (the imports check) and strip
# (bundles), iproute2 gives tc (packet loss), tar and gzip unpack bundles. No C++ compiler.
cmake_host_system_information(RESULT LABGRADE_DISTRIBUTION_ID QUERY DISTRIB_ID)
cmake_host_system_information(RESULT LABGRADE_DISTRIBUTION_VERSION QUERY DISTRIB_VERSION_ID)
set(LABGRADE_PACKAGE_MAINTAINER "labgrade maintainers" CACHE STRING
    "the Maintainer field of the .deb")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME labgrade)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "${LABGRADE_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "autograder for systems and network programming labs in C")
set(CPACK_PACKAGE_DESCRIPTION
    "labgrade builds a student's C submission and grades it against the lab's reference in \
isolated Linux namespaces: shared memory and semaphores, sockets, mmap, and the cleanup \
after them. Labs shipped with it are in /usr/share/labgrade/labs.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE "1~${LABGRADE_DISTRIBUTION_ID}${LABGRADE_DISTRIBUTION_VERSION}")
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "gcc, libc6-dev, binutils, iproute2, tar, gzip")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "make")
include(CPack)
