# Script mode: turns web/shell.html (Emscripten shell with {{{ SCRIPT }}}) into the hosted index.html.
file(READ "${IN}" html)
string(REPLACE "{{{ SCRIPT }}}" "<script async src=\"convscope.js\"></script>" html "${html}")
file(WRITE "${OUT}" "${html}")
