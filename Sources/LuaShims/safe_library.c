// `--safe`'s Lua layer: the functions a recipe could use to reach files or run code that is not
// text, replaced by C closures. They capture what they call (the original functions, as
// upvalues) when installed, so a recipe that redefines `type`, `select`, `io.open` or anything
// else changes nothing in them; every path goes through tl_beneath_* (confinement.h), which
// resolves it inside the recipe's folder without following links out of it. This is the second
// wall: the kernel's (Landlock, seccomp) stands behind it.
#define _GNU_SOURCE
#include "lua_shims.h"

#include "confinement.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// Raises "--safe: what: 'path' why" for a policy refusal, or returns the usual nil, message,
// errno triple (as io.open does) for an ordinary failure such as a missing file.
static int fail(lua_State *L, const char *what, const char *path) {
    const char *why = tl_beneath_refusal();
    if (why != NULL) return luaL_error(L, "--safe: %s: '%s' %s", what, path, why);
    return luaL_fileresult(L, 0, path);
}

static int refused(lua_State *L) {
    return luaL_error(L, "--safe: %s is not allowed in safe mode", lua_tostring(L, lua_upvalueindex(1)));
}

// ---- Files ----------------------------------------------------------------------------------

static int close_stream(lua_State *L) {
    luaL_Stream *p = (luaL_Stream *)luaL_checkudata(L, 1, LUA_FILEHANDLE);
    int ok = fclose(p->f) == 0;
    return luaL_fileresult(L, ok, NULL);
}

// io.open's mode check (liolib.c): [rwa]%+?b*
static int open_flags(const char *mode, int *flags) {
    int plus = mode[0] != 0 && mode[1] == '+';
    switch (mode[0]) {
        case 'r': *flags = plus ? O_RDWR : O_RDONLY; break;
        case 'w': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_TRUNC; break;
        case 'a': *flags = (plus ? O_RDWR : O_WRONLY) | O_CREAT | O_APPEND; break;
        default: return 0;
    }
    const char *rest = mode + 1 + plus;
    return strspn(rest, "b") == strlen(rest);
}

// Opens `path` beneath the folder and pushes a Lua file handle, or follows `fail`.
static int push_file(lua_State *L, const char *what, const char *path, size_t length, const char *mode) {
    int flags;
    if (!open_flags(mode, &flags)) return luaL_error(L, "%s: invalid mode '%s'", what, mode);
    int fd = tl_beneath_open(path, length, flags, 0666);
    if (fd < 0) return fail(L, what, path);
    luaL_Stream *p = (luaL_Stream *)lua_newuserdatauv(L, sizeof(luaL_Stream), 0);
    p->closef = NULL;
    luaL_setmetatable(L, LUA_FILEHANDLE);
    char fmode[4] = {mode[0], mode[1] == '+' ? '+' : 0, 0, 0};
    p->f = fdopen(fd, fmode);
    if (p->f == NULL) {
        close(fd);
        return luaL_fileresult(L, 0, path);
    }
    p->closef = close_stream;
    return 1;
}

// As push_file, but raises the failure (as io.lines, io.input and io.output do).
static void push_file_or_raise(lua_State *L, const char *what, const char *path, size_t length, const char *mode) {
    if (push_file(L, what, path, length, mode) != 1) luaL_error(L, "%s", lua_tostring(L, -2));
}

static int safe_open(lua_State *L) {
    size_t length;
    const char *path = luaL_checklstring(L, 1, &length);
    const char *mode = luaL_optstring(L, 2, "r");
    return push_file(L, "io.open", path, length, mode);
}

// The iterator of io.lines(path): the file's own lines iterator (upvalue 1), closing the file
// (upvalue 2) at the end, as liolib's does.
static int lines_step(lua_State *L) {
    lua_settop(L, 0);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_call(L, 0, LUA_MULTRET);
    if (lua_isnoneornil(L, 1)) {
        luaL_Stream *p = (luaL_Stream *)luaL_checkudata(L, lua_upvalueindex(2), LUA_FILEHANDLE);
        if (p->closef != NULL) {
            lua_CFunction cf = p->closef;
            p->closef = NULL;
            lua_pushvalue(L, lua_upvalueindex(2));
            lua_insert(L, 1);
            cf(L);
            lua_settop(L, 0);
            luaL_pushfail(L);
        }
    }
    return lua_gettop(L);
}

// io.lines(path, ...): upvalue 1 is the original io.lines (for io.lines() with no path).
static int safe_lines(lua_State *L) {
    if (lua_isnoneornil(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_insert(L, 1);
        lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
        return lua_gettop(L);
    }
    size_t length;
    const char *path = luaL_checklstring(L, 1, &length);
    int formats = lua_gettop(L) - 1;
    push_file_or_raise(L, "io.lines", path, length, "r");
    int file = lua_gettop(L);
    luaL_getmetafield(L, file, "__index");
    lua_getfield(L, -1, "lines");
    lua_pushvalue(L, file);
    for (int i = 0; i < formats; i++) lua_pushvalue(L, 2 + i);
    lua_call(L, 1 + formats, 1);  // file:lines(...)
    lua_pushvalue(L, file);
    lua_pushcclosure(L, lines_step, 2);
    lua_pushnil(L);
    lua_pushnil(L);
    lua_pushvalue(L, file);  // to-be-closed, as in Lua 5.4
    return 4;
}

// io.input(x) / io.output(x): a path is opened beneath the folder, then the original function
// (upvalue 1) is given the file; anything else goes to it unchanged.
static int safe_redirect(lua_State *L) {
    const char *what = lua_tostring(L, lua_upvalueindex(2));
    if (lua_type(L, 1) == LUA_TSTRING) {
        size_t length;
        const char *path = lua_tolstring(L, 1, &length);
        push_file_or_raise(L, what, path, length, what[3] == 'i' ? "r" : "w");
        lua_replace(L, 1);
    }
    lua_settop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int safe_remove(lua_State *L) {
    size_t length;
    const char *path = luaL_checklstring(L, 1, &length);
    if (tl_beneath_remove(path, length) != 0) return fail(L, "os.remove", path);
    lua_pushboolean(L, 1);
    return 1;
}

static int safe_rename(lua_State *L) {
    size_t from_length, to_length;
    const char *from = luaL_checklstring(L, 1, &from_length);
    const char *to = luaL_checklstring(L, 2, &to_length);
    if (tl_beneath_rename(from, from_length, to, to_length) != 0) {
        return fail(L, "os.rename", tl_beneath_refused_destination() ? to : from);
    }
    lua_pushboolean(L, 1);
    return 1;
}

// ---- Loading code: text only ----------------------------------------------------------------

// Reads the file at `path` beneath the folder and loads it as a text chunk named "@path",
// skipping a first line that starts with '#', as luaL_loadfilex does. Pushes the chunk, or nil
// and a message (returns 0 then).
static int load_file(lua_State *L, const char *what, const char *path, size_t length) {
    int fd = tl_beneath_open(path, length, O_RDONLY, 0);
    if (fd < 0) {
        const char *why = tl_beneath_refusal();
        if (why != NULL) luaL_error(L, "--safe: %s: '%s' %s", what, path, why);
        luaL_pushfail(L);
        lua_pushfstring(L, "cannot open %s: %s", path, strerror(errno));
        return 0;
    }
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    for (;;) {
        char *space = luaL_prepbuffer(&b);
        ssize_t n = read(fd, space, LUAL_BUFFERSIZE);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        luaL_addsize(&b, (size_t)n);
    }
    close(fd);
    luaL_pushresult(&b);
    size_t size;
    const char *text = lua_tolstring(L, -1, &size);
    const char *start = text;
    if (size > 0 && text[0] == '#') {  // keep the newline so line numbers stay right
        const char *newline = memchr(text, '\n', size);
        start = newline ? newline : text + size;
    }
    lua_pushfstring(L, "@%s", path);
    int status = luaL_loadbufferx(L, start, size - (size_t)(start - text), lua_tostring(L, -1), "t");
    lua_remove(L, -2);  // the name
    lua_remove(L, -2);  // the text
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 0;
    }
    return 1;
}

// Text only, whatever mode the recipe asks for: a binary chunk is not checked by Lua and can
// corrupt memory.
static void check_mode(lua_State *L, int index, const char *what) {
    if (!lua_isnoneornil(L, index) && strcmp(luaL_checkstring(L, index), "t") != 0) {
        luaL_error(L, "--safe: %s: only text chunks are allowed", what);
    }
}

// loadfile([path [, mode [, env]]]): with no path, stdin through the original (text only).
static int safe_loadfile(lua_State *L) {
    check_mode(L, 2, "loadfile");
    int has_env = !lua_isnone(L, 3);
    if (lua_isnoneornil(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(1));
        lua_pushnil(L);
        lua_pushliteral(L, "t");
        if (has_env) lua_pushvalue(L, 3);
        lua_call(L, has_env ? 3 : 2, 2);
        return 2;
    }
    size_t length;
    const char *path = luaL_checklstring(L, 1, &length);
    if (!load_file(L, "loadfile", path, length)) return 2;
    if (has_env) {
        lua_pushvalue(L, 3);
        if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    }
    return 1;
}

static int dofile_continue(lua_State *L, int status, lua_KContext extra) {
    (void)status;
    (void)extra;
    return lua_gettop(L) - 1;
}

static int safe_dofile(lua_State *L) {
    lua_settop(L, 1);
    if (lua_isnil(L, 1)) {
        lua_pushvalue(L, lua_upvalueindex(1));  // loadfile (stdin, text only)
        lua_pushnil(L);
        lua_call(L, 1, 2);
        if (lua_isnil(L, -2)) return lua_error(L);
        lua_pop(L, 1);
    } else {
        size_t length;
        const char *path = luaL_checklstring(L, 1, &length);
        if (!load_file(L, "dofile", path, length)) return lua_error(L);
    }
    lua_callk(L, 0, LUA_MULTRET, 0, dofile_continue);
    return dofile_continue(L, 0, 0);
}

// load(chunk [, name [, mode [, env]]]) through the original (upvalue 1), text only; an absent
// env stays absent, so the chunk keeps the global environment.
static int safe_load(lua_State *L) {
    int n = lua_gettop(L);
    check_mode(L, 3, "load");
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    if (n >= 2) lua_pushvalue(L, 2); else lua_pushnil(L);
    lua_pushliteral(L, "t");
    if (n >= 4) lua_pushvalue(L, 4);
    lua_call(L, n >= 4 ? 4 : 3, 2);
    if (lua_isnil(L, -2)) return 2;  // nil, message
    lua_pop(L, 1);
    return 1;
}

// ---- Modules ----------------------------------------------------------------------------------

// Replaces the dots of a module name with '/' in `out`; 0 when the name is unusable.
static int module_file(const char *name, char *out, size_t size, const char *suffix) {
    size_t n = strlen(name);
    if (n == 0 || n + strlen(suffix) + 1 > size || name[0] == '/' || strstr(name, "..")) return 0;
    for (size_t i = 0; i < n; i++) out[i] = name[i] == '.' ? '/' : name[i];
    strcpy(out + n, suffix);
    return 1;
}

// The Lua-file searcher: ./name.lua and ./name/init.lua beneath the folder, text only. The
// templates are fixed here; package.path is not read, so changing it opens nothing.
static int safe_searcher(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    static const char *const suffixes[] = {".lua", "/init.lua"};
    luaL_Buffer tried;
    luaL_buffinit(L, &tried);
    for (int i = 0; i < 2; i++) {
        char file[4096];
        if (!module_file(name, file, sizeof(file), suffixes[i])) break;
        int fd = tl_beneath_open(file, strlen(file), O_RDONLY, 0);
        if (fd < 0) {
            lua_pushfstring(L, "%sno file './%s'", i > 0 ? "\n\t" : "", file);
            luaL_addvalue(&tried);
            continue;
        }
        close(fd);
        luaL_pushresult(&tried);
        lua_pop(L, 1);
        if (!load_file(L, "require", file, strlen(file))) {
            return luaL_error(L, "error loading module '%s' from file './%s':\n\t%s", name, file,
                              lua_tostring(L, -1));
        }
        lua_pushfstring(L, "./%s", file);
        return 2;
    }
    luaL_pushresult(&tried);
    return 1;
}

// package.searchpath(name, path [, sep [, rep]]): as the original, but each candidate is looked
// for beneath the folder, so it tells nothing about files elsewhere.
static int safe_searchpath(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    const char *path = luaL_checkstring(L, 2);
    const char *sep = luaL_optstring(L, 3, ".");
    const char *rep = luaL_optstring(L, 4, "/");
    if (*sep != 0) name = luaL_gsub(L, name, sep, rep);
    luaL_Buffer tried;
    luaL_buffinit(L, &tried);
    const char *p = path;
    while (*p != 0) {
        const char *end = strchr(p, ';');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        lua_pushlstring(L, p, n);
        const char *candidate = luaL_gsub(L, lua_tostring(L, -1), "?", name);
        lua_remove(L, -2);
        int fd = tl_beneath_open(candidate, strlen(candidate), O_RDONLY, 0);
        if (fd >= 0) {
            close(fd);
            return 1;
        }
        lua_pushfstring(L, "%sno file '%s'", p == path ? "" : "\n\t", candidate);
        lua_remove(L, -2);
        luaL_addvalue(&tried);
        p += n;
        if (*p == ';') p++;
    }
    luaL_pushresult(&tried);
    luaL_pushfail(L);
    lua_insert(L, -2);
    return 2;
}

// ---- The environment --------------------------------------------------------------------------

// os.getenv(name): nil for the credentials (upvalue 1: a set of names), else the original.
static int safe_getenv(lua_State *L) {
    const char *name = luaL_checkstring(L, 1);
    lua_getfield(L, lua_upvalueindex(1), name);
    if (lua_toboolean(L, -1)) {
        luaL_pushfail(L);
        return 1;
    }
    const char *value = getenv(name);
    if (value == NULL) luaL_pushfail(L); else lua_pushstring(L, value);
    return 1;
}

// ---- Installing -------------------------------------------------------------------------------

static void set_refused(lua_State *L, int table, const char *field, const char *name) {
    lua_pushstring(L, name);
    lua_pushcclosure(L, refused, 1);
    lua_setfield(L, table, field);
}

// Replaces table[field] with `fn` whose upvalues are the current table[field] and `extra`.
static void wrap(lua_State *L, int table, const char *field, lua_CFunction fn, const char *extra) {
    lua_getfield(L, table, field);
    int n = 1;
    if (extra != NULL) {
        lua_pushstring(L, extra);
        n = 2;
    }
    lua_pushcclosure(L, fn, n);
    lua_setfield(L, table, field);
}

int tl_safe_install(lua_State *L, const char *const *hidden_variables) {
    if (tl_beneath_root() == NULL) return 0;
    lua_pushglobaltable(L);
    int g = lua_gettop(L);
    lua_getfield(L, g, "io");
    int io = lua_gettop(L);
    lua_getfield(L, g, "os");
    int os = lua_gettop(L);
    lua_getfield(L, g, "package");
    int package = lua_gettop(L);

    lua_pushcfunction(L, safe_open);
    lua_setfield(L, io, "open");
    wrap(L, io, "lines", safe_lines, NULL);
    wrap(L, io, "input", safe_redirect, "io.input");
    wrap(L, io, "output", safe_redirect, "io.output");
    set_refused(L, io, "popen", "io.popen");
    set_refused(L, io, "tmpfile", "io.tmpfile");
    lua_pushcfunction(L, safe_remove);
    lua_setfield(L, os, "remove");
    lua_pushcfunction(L, safe_rename);
    lua_setfield(L, os, "rename");
    set_refused(L, os, "execute", "os.execute");
    set_refused(L, os, "tmpname", "os.tmpname");
    lua_newtable(L);
    for (const char *const *name = hidden_variables; *name != NULL; name++) {
        lua_pushboolean(L, 1);
        lua_setfield(L, -2, *name);
    }
    lua_pushcclosure(L, safe_getenv, 1);
    lua_setfield(L, os, "getenv");

    lua_getfield(L, g, "loadfile");  // the original, for stdin
    lua_pushcclosure(L, safe_loadfile, 1);
    lua_pushvalue(L, -1);
    lua_setfield(L, g, "loadfile");
    lua_pushcclosure(L, safe_dofile, 1);  // upvalue: the safe loadfile
    lua_setfield(L, g, "dofile");
    wrap(L, g, "load", safe_load, NULL);

    lua_pushnil(L);
    lua_setfield(L, g, "debug");
    lua_getfield(L, package, "loaded");
    lua_pushnil(L);
    lua_setfield(L, -2, "debug");
    lua_pop(L, 1);
    set_refused(L, package, "loadlib", "package.loadlib");
    lua_pushcfunction(L, safe_searchpath);
    lua_setfield(L, package, "searchpath");
    lua_pushliteral(L, "./?.lua;./?/init.lua");
    lua_setfield(L, package, "path");
    lua_pushliteral(L, "");
    lua_setfield(L, package, "cpath");
    // Searchers: preload, the bundled stdlib (second, see StdlibLoader), then Lua files here.
    lua_getfield(L, package, "searchers");
    lua_createtable(L, 3, 0);
    lua_rawgeti(L, -2, 1);
    lua_rawseti(L, -2, 1);
    lua_rawgeti(L, -2, 2);
    lua_rawseti(L, -2, 2);
    lua_pushcfunction(L, safe_searcher);
    lua_rawseti(L, -2, 3);
    lua_setfield(L, package, "searchers");
    lua_settop(L, g - 1);
    return 1;
}
