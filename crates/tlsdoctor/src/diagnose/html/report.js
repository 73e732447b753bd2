// The HTML report's script: draws the JSON report carried in #report-data. Every string
// from the capture goes into the page as a text node or an attribute value, never as
// markup (no innerHTML anywhere), so markup in a name (an img element, a script) stays text.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var conns = data.connections;
  var ROW = 34; // px: the height of a table row (report.css, tr.row)
  var SVGNS = "http://www.w3.org/2000/svg";

  // An element with attributes and children (strings become text nodes).
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function svg(tag, attrs, children) {
    var node = document.createElementNS(SVGNS, tag);
    setAll(node, attrs);
    append(node, children);
    return node;
  }
  function setAll(node, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      if (attrs[k] !== null && attrs[k] !== undefined) node.setAttribute(k, String(attrs[k]));
    });
  }
  function append(node, children) {
    if (children === null || children === undefined) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
  }
  function $(id) { return document.getElementById(id); }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function endpoint(e) { return e.ip.indexOf(":") >= 0 ? "[" + e.ip + "]:" + e.port : e.ip + ":" + e.port; }
  function serverName(c) { return c.sni || endpoint(c.server); }
  function badge(word) { return el("span", { "class": "badge " + word }, word); }
  function plural(n, one, many) { return n.toLocaleString("en") + " " + (n === 1 ? one : many); }

  // What the table sorts, filters and searches by, computed once per connection.
  var OUTCOME_RANK = { failed: 0, incomplete: 1, ok: 2 };
  var rows = conns.map(function (c, i) {
    var codes = c.findings.map(function (f) { return f.code; });
    var fp = c.fingerprints || {};
    var prints = [fp.ja3, fp.ja3s, fp.ja4, fp.ja4s].filter(Boolean).join(" ").toLowerCase();
    var server = endpoint(c.server);
    return {
      i: i, c: c, codes: codes, server: server, client: endpoint(c.client),
      sni: c.sni || "", version: c.version || "", prints: prints,
      problem: c.outcome === "failed" || c.findings.some(function (f) { return f.severity === "error"; }),
      text: [c.id, c.input, server, endpoint(c.client), c.sni, c.version, c.cipher_suite, c.outcome,
        codes.join(" "), prints, c.alert && c.alert.description].join(" ").toLowerCase()
    };
  });

  // ---- Summary -------------------------------------------------------------------

  function counted(key) {
    var counts = new Map();
    rows.forEach(function (r) {
      key(r).forEach(function (k) { counts.set(k, (counts.get(k) || 0) + 1); });
    });
    return Array.from(counts.entries()).sort(function (a, b) { return b[1] - a[1] || (a[0] < b[0] ? -1 : 1); });
  }
  var SHOWN_COUNTS = 10;
  function countList(list, entries, label, apply) {
    entries.slice(0, SHOWN_COUNTS).forEach(function (e) {
      var button = el("button", { type: "button", "aria-label": "Show " + label(e[0]) + ": " + e[1] }, [
        el("span", null, label(e[0])), el("span", { "class": "n" }, e[1].toLocaleString("en"))]);
      button.addEventListener("click", function () { apply(e[0]); });
      list.appendChild(el("li", null, button));
    });
    if (entries.length > SHOWN_COUNTS) list.appendChild(el("li", { "class": "muted" }, "and " + (entries.length - SHOWN_COUNTS) + " more"));
    if (entries.length === 0) list.appendChild(el("li", { "class": "muted" }, "none"));
  }

  function summary() {
    var byOutcome = counted(function (r) { return [r.c.outcome]; });
    var n = function (o) { var e = byOutcome.find(function (x) { return x[0] === o; }); return e ? e[1] : 0; };
    $("totals").textContent = plural(conns.length, "TLS connection", "TLS connections") + ": " +
      n("ok").toLocaleString("en") + " ok, " + n("failed").toLocaleString("en") + " failed, " +
      n("incomplete").toLocaleString("en") + " incomplete.";
    countList($("by-outcome"), byOutcome, String, function (o) { setFilter("f-outcome", o); });
    var byCode = counted(function (r) { return r.codes.filter(function (c, i, all) { return all.indexOf(c) === i; }); });
    countList($("by-code"), byCode, String, function (code) { setFilter("f-code", code); });
    var byServer = counted(function (r) { return [serverName(r.c)]; });
    countList($("by-server"), byServer, String, function (name) {
      var r = rows.find(function (x) { return serverName(x.c) === name; });
      if (r && r.c.sni) setFilter("f-sni", name); else setFilter("f-server", name);
    });
    var inputs = data.inputs.map(function (input) {
      return input.path + " (" + input.format + ", " + plural(input.frames, "frame", "frames") +
        (input.stopped ? "; stopped: " + input.stopped : "") + ")";
    });
    $("inputs").textContent = (inputs.length === 1 ? "Capture: " : "Captures: ") + inputs.join("; ");
    $("version").textContent = data.tool.version + " (report schema " + data.schema_version + ")";
  }

  // ---- Filters -------------------------------------------------------------------

  function options(select, values) {
    values.forEach(function (v) { select.appendChild(el("option", { value: v[0] }, v[0] + " (" + v[1] + ")")); });
  }
  function setFilter(id, value) {
    var field = $(id);
    field.value = value;
    applyFilters();
    field.focus();
  }
  function fieldValue(id) { return $(id).value.trim().toLowerCase(); }

  var shown = rows.slice();
  var sortKey = "outcome", sortUp = true;

  function applyFilters() {
    var search = fieldValue("f-search"), outcome = $("f-outcome").value, code = $("f-code").value,
      version = $("f-version").value, server = fieldValue("f-server"), sni = fieldValue("f-sni"),
      print = fieldValue("f-fingerprint");
    shown = rows.filter(function (r) {
      return (!outcome || r.c.outcome === outcome) && (!code || r.codes.indexOf(code) >= 0) &&
        (!version || r.version === version) && (!server || r.server.toLowerCase().indexOf(server) >= 0) &&
        (!sni || r.sni.toLowerCase().indexOf(sni) >= 0) && (!print || r.prints.indexOf(print) >= 0) &&
        (!search || r.text.indexOf(search) >= 0);
    });
    sortShown();
  }

  var COLUMNS = [
    { key: "id", title: "Connection", value: function (r) { return r.i; } },
    { key: "outcome", title: "Outcome", value: function (r) { return OUTCOME_RANK[r.c.outcome] * 2 + (r.problem ? 0 : 1); } },
    { key: "client", title: "Client", cls: "col-client", value: function (r) { return r.client; } },
    { key: "server", title: "Server", value: function (r) { return r.server; } },
    { key: "sni", title: "SNI", value: function (r) { return r.sni; } },
    { key: "version", title: "Version", cls: "col-version", value: function (r) { return r.version; } },
    { key: "findings", title: "Findings", value: function (r) { return r.codes.join(" "); } },
    { key: "frames", title: "Frames", cls: "col-frames", value: function (r) { return r.c.first_frame; } }
  ];

  function sortShown() {
    var column = COLUMNS.find(function (c) { return c.key === sortKey; });
    var sign = sortUp ? 1 : -1;
    shown.sort(function (a, b) {
      var x = column.value(a), y = column.value(b);
      return (x < y ? -sign : x > y ? sign : 0) || a.i - b.i;
    });
    $("shown").textContent = "Showing " + shown.length.toLocaleString("en") + " of " +
      plural(conns.length, "connection", "connections") + ", sorted by " + column.title.toLowerCase() + ".";
    document.body.dataset.shown = shown.length;
    headers();
    $("scroller").scrollTop = 0;
    render(true);
  }

  function headers() {
    var head = $("head");
    clear(head);
    COLUMNS.forEach(function (column) {
      var sorted = column.key === sortKey;
      var button = el("button", { type: "button" }, column.title + (sorted ? (sortUp ? " ▲" : " ▼") : ""));
      button.addEventListener("click", function () {
        sortUp = sorted ? !sortUp : true;
        sortKey = column.key;
        sortShown();
        var again = head.querySelectorAll("button")[COLUMNS.indexOf(column)];
        if (again) again.focus();
      });
      head.appendChild(el("th", { scope: "col", "class": column.cls, "aria-sort": sorted ? (sortUp ? "ascending" : "descending") : null }, button));
    });
  }

  // ---- The table: only the rows in view are in the DOM ----------------------------

  var drawn = { first: -1, last: -1 };
  function render(force) {
    var scroller = $("scroller");
    var headHeight = $("head").offsetHeight;
    var first = Math.max(0, Math.floor((scroller.scrollTop - headHeight) / ROW) - 8);
    var last = Math.min(shown.length, first + Math.ceil(scroller.clientHeight / ROW) + 16);
    if (!force && first === drawn.first && last === drawn.last) return;
    drawn = { first: first, last: last };
    var body = $("rows");
    clear(body);
    body.appendChild(spacer(first * ROW));
    for (var k = first; k < last; k++) body.appendChild(row(shown[k]));
    body.appendChild(spacer((shown.length - last) * ROW));
    if (shown.length === 0) body.appendChild(el("tr", null, el("td", { colspan: COLUMNS.length }, "No connection matches.")));
  }
  function spacer(height) {
    var td = el("td", { colspan: COLUMNS.length, "aria-hidden": "true" });
    td.style.height = height + "px";
    return el("tr", { "class": "spacer" }, td);
  }
  function row(r) {
    var c = r.c;
    var open = el("button", { type: "button", "class": "open", "data-index": r.i, "aria-label": "Open connection " + c.id + (data.inputs.length > 1 ? " of " + c.input : "") }, "#" + c.id);
    open.addEventListener("click", function () { openDetail(r.i, open); });
    var findings = c.findings.filter(function (f) { return f.severity !== "info"; }).map(function (f) { return f.code; });
    return el("tr", { "class": "row", "data-id": c.id }, [
      el("td", null, open),
      el("td", null, badge(c.outcome)),
      el("td", { "class": "col-client" }, r.client),
      el("td", null, r.server),
      el("td", { title: r.sni || null }, r.sni || "—"),
      el("td", { "class": "col-version" }, r.version || "—"),
      el("td", { "class": "mono", title: findings.join(", ") || null }, findings.join(", ") || "—"),
      el("td", { "class": "col-frames" }, c.first_frame + "–" + c.last_frame)
    ]);
  }

  // ---- A connection's page ----------------------------------------------------------

  var opener = null;
  function openDetail(index, from) {
    opener = from || null;
    var c = conns[index];
    $("detail-title").textContent = "Connection " + c.id + (data.inputs.length > 1 ? " of " + c.input : "") + ": " + c.outcome;
    var body = $("detail-body");
    clear(body);
    $("detail").hidden = false; // shown first: the ladder is drawn to its width
    body.appendChild(facts(c));
    body.appendChild(section("Handshake", ladder(c)));
    body.appendChild(section("Findings", findings(c)));
    body.appendChild(section("Wireshark", wireshark(c)));
    body.appendChild(section("Certificates", certificates(c)));
    body.appendChild(section("Checks that passed", c.passed.length ?
      el("ul", { "class": "plain passed" }, c.passed.map(function (p) { return el("li", null, p); })) :
      el("p", { "class": "muted" }, "none recorded")));
    body.appendChild(section("Offer and choice", story(c)));
    body.appendChild(section("Fingerprints", fingerprints(c)));
    body.appendChild(section("Application data", applicationData(c)));
    document.body.dataset.open = c.id;
    $("detail-title").focus();
    $("detail").scrollIntoView({ block: "start" });
  }
  $("back").addEventListener("click", function () {
    if (opener && document.body.contains(opener)) opener.focus(); else $("f-search").focus();
  });

  function section(title, content) {
    return el("section", { "class": "part" }, [el("h3", null, title), content]);
  }
  function dl(pairs) {
    var list = el("dl", { "class": "facts" });
    pairs.forEach(function (p) {
      if (p[1] === null || p[1] === undefined || p[1] === "") return;
      list.appendChild(el("dt", null, p[0]));
      list.appendChild(el("dd", null, p[1]));
    });
    return list;
  }
  function facts(c) {
    var alert = c.alert ? (c.alert.encrypted ? "an encrypted alert" : (c.alert.level || "") + " " + c.alert.description) +
      " from the " + c.alert.sender + " in frame " + c.alert.frame : null;
    var closed = c.closed ? (c.closed.how === "reset" ? "reset" : "FIN") + " from the " + c.closed.sender + " in frame " + c.closed.frame : null;
    var http = c.http_response ? c.http_response.version + " " + c.http_response.status + " in frame " + c.http_response.frame : null;
    return dl([
      ["Outcome", badge(c.outcome)],
      ["Client → server", endpoint(c.client) + " → " + endpoint(c.server) + " (" + c.transport + ")"],
      ["SNI", c.sni || "none"],
      ["Version", c.version || "not negotiated"],
      ["Cipher suite", c.cipher_suite],
      ["Client certificate", c.client_auth],
      ["Frames", c.first_frame + "–" + c.last_frame],
      ["Alert", alert],
      ["Closed", closed],
      ["HTTP response", http],
      ["Decrypted", c.decrypted ? "yes, with the secrets given" : "no"],
      ["Capture", c.input]
    ]);
  }

  // tcp.stream counts from 0 in Wireshark's order, which tlsdoctor's ids need not follow:
  // the addresses, ports and frames name the connection whatever Wireshark numbers it.
  function displayFilter(c) {
    var ip = c.client.ip.indexOf(":") >= 0 ? "ipv6.addr" : "ip.addr";
    var port = c.transport === "tcp" ? "tcp.port" : "udp.port";
    return ip + "==" + c.client.ip + " && " + port + "==" + c.client.port + " && " + ip + "==" + c.server.ip +
      " && " + port + "==" + c.server.port + " && frame.number>=" + c.first_frame + " && frame.number<=" + c.last_frame;
  }
  function wireshark(c) {
    var input = el("textarea", { readonly: "", rows: 3, "aria-label": "Wireshark display filter", "class": "mono", id: "display-filter", spellcheck: "false" });
    input.value = displayFilter(c);
    var copy = el("button", { type: "button", "class": "copy" }, "Copy");
    var said = el("span", { role: "status", "class": "muted" });
    copy.addEventListener("click", function () {
      input.select();
      var done = function () { said.textContent = "copied"; };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(input.value).then(done, function () { said.textContent = "select and copy it"; });
      } else {
        try { document.execCommand("copy"); done(); } catch (e) { said.textContent = "select and copy it"; }
      }
    });
    return el("div", null, [el("p", { "class": "muted" }, "Display filter for this connection:"), el("div", { "class": "filter-box" }, [input, copy, said])]);
  }

  // The ladder: a group per frame and direction, as the text ladder draws it.
  function isEncrypted(message) { return /encrypted|application data/i.test(message); }
  function wrap(messages, width) {
    var lines = [], line = "";
    messages.forEach(function (m, i) {
      var piece = i + 1 < messages.length ? m + "," : m;
      if (line && line.length + 1 + piece.length > width) { lines.push(line); line = ""; }
      line = line ? line + " " + piece : piece;
      while (line.length > width) {
        // A message longer than a line breaks at a space, else anywhere.
        var cut = line.lastIndexOf(" ", width);
        if (cut <= 0) cut = width;
        lines.push(line.slice(0, cut));
        line = line.slice(cut).replace(/^ /, "");
      }
    });
    lines.push(line);
    return lines;
  }
  function ladder(c) {
    if (!c.ladder || c.ladder.length === 0) return el("p", { "class": "muted" }, "No handshake message was read.");
    var groups = [];
    c.ladder.forEach(function (s) {
      var last = groups[groups.length - 1];
      // A compact report carries a flight as one step, its messages joined by ", ".
      var messages = s.message.split(/, (?![^(]*\))/);
      if (last && last.frame === s.frame && last.from === s.from) last.messages = last.messages.concat(messages);
      else groups.push({ frame: s.frame, time: s.time, from: s.from, messages: messages });
    });
    var failing = {};
    c.findings.forEach(function (f) { if (f.severity === "error") failing[f.frame] = (failing[f.frame] || []).concat(f.code); });
    if (c.alert) failing[c.alert.frame] = (failing[c.alert.frame] || []).concat("alert " + (c.alert.description || "(encrypted)"));
    var width = Math.max(340, Math.min(760, $("detail-body").clientWidth || 760));
    var left = 78, right = width - 34, chars = Math.floor((right - left - 24) / 7.2);
    var y = 44, arrows = [];
    groups.forEach(function (g) {
      var lines = wrap(g.messages, chars);
      var height = lines.length * 16 + 22;
      arrows.push({ g: g, lines: lines, top: y, height: height });
      y += height;
    });
    var total = y + 10;
    var picture = svg("svg", { "class": "ladder", viewBox: "0 0 " + width + " " + total, width: width, height: total, role: "img", "aria-labelledby": "ladder-title" }, [
      svg("title", { id: "ladder-title" }, "Handshake of connection " + c.id + ": " + groups.length + " flights, client on the left, server on the right"),
      svg("text", { x: left, y: 18, "text-anchor": "middle", "class": "who" }, "client"),
      svg("text", { x: right, y: 18, "text-anchor": "middle", "class": "who" }, "server"),
      svg("text", { x: 4, y: 18, "class": "frame" }, "frame"),
      svg("line", { x1: left, y1: 26, x2: left, y2: total - 4, "class": "lane" }),
      svg("line", { x1: right, y1: 26, x2: right, y2: total - 4, "class": "lane" })
    ]);
    arrows.forEach(function (a) {
      var g = a.g, rightwards = g.from === "client";
      var encrypted = g.messages.every(isEncrypted);
      var marks = failing[g.frame];
      var lineY = a.top + a.lines.length * 16 + 4;
      var x1 = rightwards ? left : right, x2 = rightwards ? right - 9 : left + 9;
      var tip = rightwards ? right : left;
      var head = rightwards ? "M" + tip + " " + lineY + " l-10 -5 v10 z" : "M" + tip + " " + lineY + " l10 -5 v10 z";
      var group = svg("g", { "class": "arrow" + (encrypted ? " encrypted" : "") + (marks ? " failing" : ""), "data-frame": g.frame, "data-from": g.from }, [
        svg("title", null, "frame " + g.frame + ", " + g.from + " → " + (rightwards ? "server" : "client") + ": " + g.messages.join(", ") +
          (encrypted ? " (encrypted)" : "") + (marks ? " — " + marks.join(", ") : "")),
        svg("text", { x: 4, y: lineY + 4, "class": "frame" }, String(g.frame)),
        svg("text", { x: 4, y: lineY + 18, "class": "frame" }, "+" + g.time.toFixed(3) + "s"),
        svg("line", { x1: x1, y1: lineY, x2: x2, y2: lineY }),
        svg("path", { d: head })
      ]);
      a.lines.forEach(function (text, i) {
        group.appendChild(svg("text", { x: (left + right) / 2, y: a.top + 14 + i * 16, "text-anchor": "middle", "class": "msg" }, text));
      });
      if (marks) group.appendChild(svg("text", { x: right + 8, y: lineY + 5, "class": "mark" }, "✗"));
      picture.appendChild(group);
    });
    var legend = el("p", { "class": "muted" }, "✗ marks the frames of the failing checks and of the alert" +
      (Object.keys(failing).length ? " (" + Object.keys(failing).map(function (f) { return "frame " + f + ": " + failing[f].join(", "); }).join("; ") + ")" : "") +
      "; dashed arrows carry encrypted messages.");
    var list = el("ol", { "class": "sr-only" }, groups.map(function (g) {
      return el("li", null, "frame " + g.frame + ", " + g.from + ": " + g.messages.join(", "));
    }));
    return el("div", null, [picture, legend, list]);
  }

  function detailValue(v) {
    if (Array.isArray(v)) return v.map(detailValue).join(", ");
    if (v !== null && typeof v === "object") return JSON.stringify(v);
    return String(v);
  }
  function findings(c) {
    if (c.findings.length === 0) return el("p", { "class": "muted" }, "none");
    return el("div", null, c.findings.map(function (f) {
      var keys = Object.keys(f.detail || {});
      return el("div", { "class": "finding " + f.severity, "data-code": f.code }, [
        el("p", null, [badge(f.severity), " ", el("code", null, f.code), " (frame " + f.frame + ")"]),
        el("p", null, f.summary),
        keys.length ? dl(keys.map(function (k) { return [k, detailValue(f.detail[k])]; })) : null,
        f.remedy ? el("p", null, [el("strong", null, "What to do: "), f.remedy]) : null
      ]);
    }));
  }

  // The chains as the report has them, leaf first: each certificate's names, validity,
  // key and signature algorithm, and the verdict the chain checks gave its signature.
  var VERDICT = { ok: "✓ ok", invalid: "✗ invalid", "unknown-issuer": "? unknown issuer", "not-checked": "– not checked" };
  function chainTable(role, chain) {
    var head = ["#", "Subject", "Issuer", "Not before", "Not after", "Key", "Signature algorithm", "Signature"];
    return el("div", { "class": "table-wrap", tabindex: 0, role: "region", "aria-label": "The " + role + "'s certificate chain: scroll sideways with the arrow keys" }, el("table", { "class": "chain", "data-role": role }, [
      el("caption", null, "The " + role + "'s chain, frame " + chain.frame + ", leaf first"),
      el("thead", null, el("tr", null, head.map(function (h) { return el("th", { scope: "col" }, h); }))),
      el("tbody", null, chain.certificates.map(function (entry, i) {
        var cert = details(entry);
        var said = [cert.signed_by ? "by " + cert.signed_by : null, cert.signature_note].filter(Boolean).join("; ");
        return el("tr", { "class": "cert", "data-signature": cert.signature }, [
          el("th", { scope: "row", "data-label": head[0] }, String(i)),
          el("td", { "class": "mono subject", "data-label": head[1] }, cert.subject),
          el("td", { "class": "mono issuer", "data-label": head[2] }, cert.issuer || "—"),
          el("td", { "class": "not-before", "data-label": head[3] }, cert.not_before || "—"),
          el("td", { "class": "not-after", "data-label": head[4] }, cert.not_after || "—"),
          el("td", { "class": "key", "data-label": head[5] }, cert.key || "—"),
          el("td", { "class": "algorithm", "data-label": head[6] }, cert.signature_algorithm || "—"),
          el("td", { "class": "verdict " + cert.signature, title: said || null, "data-label": head[7] }, [
            el("span", { "class": "word" }, VERDICT[cert.signature] || cert.signature),
            said ? el("span", { "class": "muted said" }, " (" + said + ")") : null])
        ]);
      }))
    ]));
  }
  // A quiet connection's certificate (with its verdict) is a ref to the page's table of
  // distinct certificates.
  function details(entry) {
    return entry.ref ? (data.certificates || {})[entry.ref] || { subject: "?", signature: "not-checked" } : entry;
  }
  function certificates(c) {
    var s = c.story || {};
    var parts = [];
    [["server", s.server_certificates], ["client", s.client_certificates]].forEach(function (side) {
      var chain = side[1];
      if (!chain) return;
      if (chain.certificates && chain.certificates.length) { parts.push(chainTable(side[0], chain)); return; }
      parts.push(el("p", null, "The " + side[0] + " sent an empty Certificate message (frame " + chain.frame + ")."));
    });
    var verdicts = c.passed.filter(function (p) { return /certificate|chain/i.test(p); }).map(function (p) { return "✓ " + p; })
      .concat(c.findings.filter(function (f) { return /certificate|chain|trust|expired|name/.test(f.code); }).map(function (f) { return "✗ " + f.code + " (" + f.severity + ", frame " + f.frame + ", under Findings)"; }));
    if (verdicts.length) parts.push(el("ul", { "class": "plain" }, verdicts.map(function (v) { return el("li", null, v); })));
    if (parts.length === 0) parts.push(el("p", { "class": "muted" }, c.story ? "No certificate was read." : "Not kept for a connection without problems (the JSON report has it)."));
    return el("div", null, parts);
  }

  // --include-data: the first decrypted bytes of each side, as text (escaped by the report).
  function applicationData(c) {
    if (!c.data) {
      return el("p", { "class": "muted" },
        "The report holds no decrypted application data (and no secret): diagnose keeps it only with --include-data" +
        (c.http_response ? "; what an HTTP response said is above." : "."));
    }
    return el("div", null, [["client", c.data.client], ["server", c.data.server]].map(function (side) {
      var e = side[1];
      if (!e) return el("p", { "class": "muted" }, "The " + side[0] + " sent no decrypted data.");
      return el("figure", { "class": "data", "data-side": side[0] }, [
        el("figcaption", null, "The " + side[0] + "'s first bytes, frame " + e.frame + (e.cut ? " (cut short)" : "") + ":"),
        el("pre", { "class": "mono" }, e.text)
      ]);
    }));
  }
  function story(c) {
    var s = c.story || {};
    var offer = s.client_offer, choice = s.server_choice, request = s.certificate_request;
    var pairs = [];
    if (offer) {
      pairs.push(["Client Hello", "frame " + offer.frame]);
      pairs.push(["Versions offered", offer.versions.join(", ")]);
      pairs.push(["Cipher suites offered", offer.cipher_suites.join(", ")]);
      pairs.push(["Groups offered", offer.groups.join(", ")]);
      pairs.push(["Signature algorithms", (offer.signature_algorithms || []).join(", ")]);
      pairs.push(["ALPN offered", offer.alpn.join(", ")]);
    }
    if (choice) {
      pairs.push(["Server Hello", "frame " + choice.frame + (choice.hello_retry_request ? " (after a HelloRetryRequest)" : "")]);
      pairs.push(["Chosen", [choice.version, choice.cipher_suite, choice.group].filter(Boolean).join(", ")]);
    }
    if (request) {
      pairs.push(["Certificate Request", "frame " + request.frame]);
      pairs.push(["Accepted CAs", request.certificate_authorities.join("; ")]);
    }
    if (pairs.length === 0) return el("p", { "class": "muted" }, offer === undefined && !c.story ? "none" : "The full offer is kept for connections with problems only (the JSON report has it for all).");
    var more = offer ? null : el("p", { "class": "muted" }, "The full offer is kept for connections with problems only (the JSON report has it for all).");
    return el("div", null, [dl(pairs), more]);
  }
  function fingerprints(c) {
    var f = c.fingerprints || {};
    var pairs = ["ja3", "ja3s", "ja4", "ja4s", "ja4_r", "ja4s_r"].map(function (k) { return [k.toUpperCase().replace("_R", " (raw)"), f[k] ? el("code", null, f[k]) : null]; });
    (f.ja4x || []).forEach(function (x, i) { pairs.push(["JA4X server " + (i + 1), x ? el("code", null, x) : null]); });
    (f.client_ja4x || []).forEach(function (x, i) { pairs.push(["JA4X client " + (i + 1), x ? el("code", null, x) : null]); });
    return dl(pairs);
  }

  // ---- Start -------------------------------------------------------------------------

  summary();
  options($("f-outcome"), counted(function (r) { return [r.c.outcome]; }));
  options($("f-code"), counted(function (r) { return r.codes.filter(function (x, i, all) { return all.indexOf(x) === i; }); }));
  options($("f-version"), counted(function (r) { return r.version ? [r.version] : []; }));
  var pending = null;
  function later() { clearTimeout(pending); pending = setTimeout(applyFilters, rows.length > 20000 ? 200 : 60); }
  ["f-search", "f-server", "f-sni", "f-fingerprint"].forEach(function (id) { $(id).addEventListener("input", later); });
  ["f-outcome", "f-code", "f-version"].forEach(function (id) { $(id).addEventListener("change", applyFilters); });
  $("filters").addEventListener("submit", function (e) { e.preventDefault(); applyFilters(); });
  $("filters").addEventListener("reset", function () { setTimeout(applyFilters, 0); });
  var ticking = false;
  $("scroller").addEventListener("scroll", function () {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(function () { ticking = false; render(false); });
  });
  window.addEventListener("resize", function () { render(true); });
  document.body.dataset.connections = conns.length;
  applyFilters();
  document.body.dataset.ready = "true";
})();
