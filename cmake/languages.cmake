# languages.cmake — the UI translations (assets/lang/<code>.tsv, made into lang-<code>.json by
# scripts/lang_json.mjs) and the Chinese glyph subset (lang-zh-font.ttf: WenQuanYi Micro Hei from
# Debian's fonts-wqy-microhei, cut by pyftsubset to the characters of the Chinese table and of the
# lessons' Chinese translations). None is in the page's first load: the page fetches them when the
# language is chosen (src/app/languages.cpp), the single file inlines them, the desktop embeds them.
# Defines CS_LANG_FILES (name=path pairs).
find_program(CS_LANG_NODE NAMES node nodejs)
find_program(CS_PYFTSUBSET pyftsubset)
set(CS_CJK_FONT_SOURCE /usr/share/fonts/truetype/wqy/wqy-microhei.ttc)
set(CS_LANG_FILES "")
if(NOT CS_LANG_NODE)
  message(WARNING "node not found: no translations in this build (English only)")
  return()
endif()
# The lessons' Chinese translations need their glyphs in the subset too.
file(GLOB CS_LESSON_JSON CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/assets/lessons/*.json)
foreach(code es de zh)
  set(src "${CMAKE_SOURCE_DIR}/assets/lang/${code}.tsv")
  set(out "${CMAKE_BINARY_DIR}/lang-${code}.json")
  set(text "${CMAKE_BINARY_DIR}/generated/lang-${code}.txt")
  add_custom_command(OUTPUT "${out}" "${text}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${CMAKE_BINARY_DIR}/generated"
    COMMAND ${CS_LANG_NODE} ${CMAKE_SOURCE_DIR}/scripts/lang_json.mjs "${src}" "${out}" "${text}" ${CS_LESSON_JSON}
    DEPENDS "${src}" ${CMAKE_SOURCE_DIR}/scripts/lang_json.mjs ${CS_LESSON_JSON}
    COMMENT "Translation ${code}" VERBATIM)
  list(APPEND CS_LANG_FILES "lang-${code}.json=${out}")
endforeach()
if(CS_PYFTSUBSET AND EXISTS "${CS_CJK_FONT_SOURCE}")
  # Only the characters the table uses (plus ASCII for safety), no hinting or layout tables: ImGui's
  # rasteriser reads neither (as the UI font's subset in scripts/setup.sh).
  set(out "${CMAKE_BINARY_DIR}/lang-zh-font.ttf")
  add_custom_command(OUTPUT "${out}"
    COMMAND ${CS_PYFTSUBSET} "${CS_CJK_FONT_SOURCE}" --font-number=0
            "--text-file=${CMAKE_BINARY_DIR}/generated/lang-zh.txt" --unicodes=U+0020-007E
            --no-hinting --layout-features= --drop-tables+=GPOS,GSUB,GDEF,kern,FFTM --name-IDs= "--output-file=${out}"
    DEPENDS "${CMAKE_BINARY_DIR}/generated/lang-zh.txt" "${CS_CJK_FONT_SOURCE}"
    COMMENT "Chinese glyph subset" VERBATIM)
  list(APPEND CS_LANG_FILES "lang-zh-font.ttf=${out}")
else()
  message(WARNING "pyftsubset or ${CS_CJK_FONT_SOURCE} missing (scripts/setup.sh installs fonttools and fonts-wqy-microhei): Chinese shows without its glyphs")
endif()
