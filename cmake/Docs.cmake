# The man pages and shell completions, generated at build time from one
# source, README.md's summary and docs/commands/<cmd>.md, by cmake/md2man.py
# (Python 3 standard library only): they cannot drift from the docs.
find_package(Python3 REQUIRED COMPONENTS Interpreter)

file(GLOB KSERIES_COMMAND_DOCS CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/docs/commands/*.md")
set(KSERIES_MD2MAN "${PROJECT_SOURCE_DIR}/cmake/md2man.py")
set(KSERIES_MAN_DIR "${PROJECT_BINARY_DIR}/man")
set(KSERIES_COMPLETION_DIR "${PROJECT_BINARY_DIR}/completions")

set(KSERIES_MAN_PAGES "${KSERIES_MAN_DIR}/kseries.1")
foreach(doc ${KSERIES_COMMAND_DOCS})
  get_filename_component(cmd "${doc}" NAME_WE)
  list(APPEND KSERIES_MAN_PAGES "${KSERIES_MAN_DIR}/kseries-${cmd}.1")
endforeach()

add_custom_command(OUTPUT ${KSERIES_MAN_PAGES}
  COMMAND "${Python3_EXECUTABLE}" "${KSERIES_MD2MAN}" man
          --readme "${PROJECT_SOURCE_DIR}/README.md" --docs "${PROJECT_SOURCE_DIR}/docs/commands"
          --version "${PROJECT_VERSION}" --out "${KSERIES_MAN_DIR}"
  DEPENDS "${KSERIES_MD2MAN}" "${PROJECT_SOURCE_DIR}/README.md" ${KSERIES_COMMAND_DOCS}
  COMMENT "Generating the man pages from README.md and docs/commands/"
  VERBATIM)
add_custom_command(
  OUTPUT "${KSERIES_COMPLETION_DIR}/kseries" "${KSERIES_COMPLETION_DIR}/_kseries"
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${KSERIES_COMPLETION_DIR}"
  COMMAND "${Python3_EXECUTABLE}" "${KSERIES_MD2MAN}" bash
          --docs "${PROJECT_SOURCE_DIR}/docs/commands" --out "${KSERIES_COMPLETION_DIR}/kseries"
  COMMAND "${Python3_EXECUTABLE}" "${KSERIES_MD2MAN}" zsh
          --docs "${PROJECT_SOURCE_DIR}/docs/commands" --out "${KSERIES_COMPLETION_DIR}/_kseries"
  DEPENDS "${KSERIES_MD2MAN}" ${KSERIES_COMMAND_DOCS}
  COMMENT "Generating the bash and zsh completions from docs/commands/"
  VERBATIM)
add_custom_target(kseries_docs ALL
  DEPENDS ${KSERIES_MAN_PAGES} "${KSERIES_COMPLETION_DIR}/kseries" "${KSERIES_COMPLETION_DIR}/_kseries")

install(FILES ${KSERIES_MAN_PAGES} DESTINATION "${CMAKE_INSTALL_MANDIR}/man1")
install(FILES "${KSERIES_COMPLETION_DIR}/kseries"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/bash-completion/completions")
install(FILES "${KSERIES_COMPLETION_DIR}/_kseries"
  DESTINATION "${CMAKE_INSTALL_DATADIR}/zsh/site-functions")
