"""A small lexer for Spark SQL text: enough to recognise Databricks-only statements, read
their arguments, and rewrite paths inside string literals and backticked names without
touching anything else (comments, other literals, the rest of the text stay as written).
"""

import re


class Token:
    __slots__ = ("kind", "text", "value", "start", "end")

    def __init__(self, kind, text, value, start, end):
        self.kind = kind      # word, string, quoted (backticks), number, punct
        self.text = text      # as written
        self.value = value    # unescaped for string and quoted; upper-case for words
        self.start = start
        self.end = end

    def is_word(self, *words):
        return self.kind == "word" and self.value in words

    def __repr__(self):
        return f"Token({self.kind}, {self.text!r})"


class SqlSyntaxError(ValueError):
    pass


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?([eE][+-]?[0-9]+)?[A-Za-z]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "0": "\0", "Z": "\x1a", "%": "\\%",
            "_": "\\_"}


def tokens(text):
    """Tokens of a statement; comments and white space are skipped."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif text.startswith("--", i):
            end = text.find("\n", i)
            i = n if end < 0 else end + 1
        elif text.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if text.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif text.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            if depth:
                raise SqlSyntaxError("an unclosed comment")
            i = j
        elif c in "'\"" or (c in "rR" and i + 1 < n and text[i + 1] in "'\""):
            raw = c in "rR"
            quote = text[i + 1] if raw else c
            j = i + (2 if raw else 1)
            value = []
            while j < n and text[j] != quote:
                if text[j] == "\\" and not raw and j + 1 < n:
                    value.append(_ESCAPES.get(text[j + 1], text[j + 1]))
                    j += 2
                else:
                    value.append(text[j])
                    j += 1
            if j >= n:
                raise SqlSyntaxError("an unclosed string literal")
            out.append(Token("string", text[i:j + 1], "".join(value), i, j + 1))
            i = j + 1
        elif c == "`":
            j = i + 1
            value = []
            while True:
                k = text.find("`", j)
                if k < 0:
                    raise SqlSyntaxError("an unclosed backticked name")
                value.append(text[j:k])
                if text.startswith("``", k):
                    value.append("`")
                    j = k + 2
                    continue
                j = k + 1
                break
            out.append(Token("quoted", text[i:j], "".join(value), i, j))
            i = j
        elif _WORD.match(text, i):
            m = _WORD.match(text, i)
            out.append(Token("word", m.group(0), m.group(0).upper(), i, m.end()))
            i = m.end()
        elif c.isdigit():
            m = _NUMBER.match(text, i)
            out.append(Token("number", m.group(0), m.group(0), i, m.end()))
            i = m.end()
        else:
            out.append(Token("punct", c, c, i, i + 1))
            i += 1
    return out


def quote_string(value):
    """A Spark string literal for any text."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_name(value):
    return "`" + value.replace("`", "``") + "`"


def rewrite_literals(text, rewrite):
    """The text with every string literal and backticked name whose value `rewrite`
    changes replaced (`rewrite(value)` returns the new value or None)."""
    pieces = []
    last = 0
    for token in tokens(text):
        if token.kind not in ("string", "quoted"):
            continue
        new = rewrite(token.value)
        if new is None or new == token.value:
            continue
        pieces.append(text[last:token.start])
        pieces.append(quote_string(new) if token.kind == "string" else quote_name(new))
        last = token.end
    pieces.append(text[last:])
    return "".join(pieces)


class Parser:
    """A cursor over tokens with the checks a statement parser needs."""

    def __init__(self, text):
        self.text = text
        self.items = [t for t in tokens(text)]
        while self.items and self.items[-1].kind == "punct" and self.items[-1].value == ";":
            self.items.pop()
        self.position = 0

    def peek(self, offset=0):
        index = self.position + offset
        return self.items[index] if index < len(self.items) else None

    def at_end(self):
        return self.position >= len(self.items)

    def next(self):
        token = self.peek()
        if token is None:
            raise SqlSyntaxError("the statement ends too early")
        self.position += 1
        return token

    def accept_word(self, *words):
        token = self.peek()
        if token is not None and token.is_word(*words):
            self.position += 1
            return token
        return None

    def expect_word(self, *words):
        token = self.next()
        if not token.is_word(*words):
            raise SqlSyntaxError(f"expected {' or '.join(words)} at {token.text!r}")
        return token

    def accept_punct(self, value):
        token = self.peek()
        if token is not None and token.kind == "punct" and token.value == value:
            self.position += 1
            return token
        return None

    def expect_punct(self, value):
        token = self.next()
        if token.kind != "punct" or token.value != value:
            raise SqlSyntaxError(f"expected {value!r} at {token.text!r}")
        return token

    def string(self):
        token = self.next()
        if token.kind != "string":
            raise SqlSyntaxError(f"expected a string literal at {token.text!r}")
        return token.value

    def name(self):
        """A possibly qualified name: a.b.c, with backticks where written."""
        parts = [self._name_part()]
        while self.accept_punct("."):
            parts.append(self._name_part())
        return parts

    def _name_part(self):
        token = self.next()
        if token.kind == "word":
            return token.text
        if token.kind == "quoted":
            return token.value
        raise SqlSyntaxError(f"expected a name at {token.text!r}")

    def rest(self):
        """The text from the current token to the end."""
        token = self.peek()
        return self.text[token.start:].rstrip().rstrip(";") if token else ""

    def options(self):
        """( 'key' = 'value', key = value, ... ) as a dict, keys as written (Spark's
        options ignore case; callers that compare keys lower them)."""
        self.expect_punct("(")
        values = {}
        if self.accept_punct(")"):
            return values
        while True:
            key_token = self.next()
            if key_token.kind not in ("string", "word", "quoted"):
                raise SqlSyntaxError(f"expected an option name at {key_token.text!r}")
            key = key_token.value if key_token.kind != "word" else key_token.text
            while self.accept_punct("."):
                key += "." + self.next().text
            self.expect_punct("=")
            value_token = self.next()
            if value_token.kind == "punct" and value_token.value == "-":
                value_token = self.next()
                value = "-" + value_token.value
            else:
                value = value_token.value if value_token.kind != "word" else value_token.text
            values[key] = value
            if self.accept_punct(")"):
                return values
            self.expect_punct(",")
