/* parakh registry lookup page (rules/registry/lookup.html, docs/registry-page.md).
   Served by parakhd under "script-src 'self'; connect-src 'self'". A file is hashed
   here with WebCrypto and only its SHA-256 goes to the server, in the URL of one
   GET. Every string from the server lands in the page through textContent, after
   control and bidi characters are replaced; no markup is ever built from text. */
(function () {
  'use strict';
  /* WebCrypto has no incremental digest: the file is read whole, so the page
     refuses what it could not hold in memory (docs/registry-page.md). */
  var MAX_BYTES = 2 * 1024 * 1024 * 1024;
  var API = 'api/v1/certificates?sha256=';
  var BADGE = {
    'VALID': 's-valid', 'EXPIRED': 's-warn', 'SUPERSEDED': 's-warn', 'REVOKED': 's-bad',
    'LAB SUSPENDED': 's-bad', 'NOT ACCREDITED': 's-bad', 'BAD SIGNATURE': 's-bad'
  };
  var seq = 0; /* the latest request's number; an answer to an older one is dropped */

  function $(id) { return document.getElementById(id); }

  /* Server text for display: strings only; control characters and bidi
     overrides (which could make a name read backwards) become U+FFFD. */
  function clean(v, max) {
    if (typeof v === 'number' && isFinite(v)) v = String(v);
    if (typeof v !== 'string' || v === '') return null;
    var s = v.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
    max = max || 2000;
    if (s.length > max) s = s.slice(0, max) + '\u2026 (' + v.length + ' characters in all)';
    return s;
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function when(v) {
    var s = clean(v, 64);
    if (!s) return null;
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.\d+)?Z$/.exec(s);
    return m ? m[1] + ' ' + m[2] + ' UTC' : s;
  }

  function size(n) {
    var u = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0, v = n;
    while (v >= 1024 && i < u.length - 1) { v /= 1024; i++; }
    return (i ? v.toFixed(1) + ' ' + u[i] + ', ' : '') + n.toLocaleString('en') + ' bytes';
  }

  function show(nodes, busy) {
    var r = $('result');
    r.replaceChildren.apply(r, nodes);
    r.setAttribute('aria-busy', busy ? 'true' : 'false');
  }

  function problem(title, detail) {
    var box = el('div', 'problem');
    box.setAttribute('role', 'alert');
    box.appendChild(el('strong', null, title));
    if (detail) box.appendChild(el('p', null, detail));
    show([box], false);
  }

  /* What was asked: the fingerprint, and the file's name and size if one was given. */
  function queried(hex, file) {
    var dl = el('dl', 'queried');
    if (file) {
      dl.appendChild(el('dt', null, 'File (checked on this computer, not uploaded)'));
      dl.appendChild(el('dd', null,
                        (clean(file.name, 300) || '(no name)') + ' \u2014 ' + size(file.size)));
    }
    dl.appendChild(el('dt', null, 'SHA-256'));
    dl.appendChild(el('dd', 'mono', hex));
    return dl;
  }

  function field(dl, label, value, cls) {
    if (value === null || value === undefined) return;
    dl.appendChild(el('dt', null, label));
    var dd = el('dd', cls || null);
    if (typeof value === 'string') dd.textContent = value; else dd.appendChild(value);
    dl.appendChild(dd);
  }

  function conditions(list) {
    if (!Array.isArray(list)) return null;
    if (list.length === 0) return 'none';
    var ul = el('ul', 'conds');
    list.slice(0, 200).forEach(function (c) {
      var t = typeof c === 'string' ? clean(c) : c && typeof c === 'object' ?
        [clean(c.requirement, 256), clean(c.text)].filter(Boolean).join(': ') : null;
      if (t) ul.appendChild(el('li', null, t));
    });
    if (list.length > 200)
      ul.appendChild(el('li', null, '\u2026 and ' + (list.length - 200) + ' more'));
    return ul;
  }

  /* Open advisories (docs/csaf.md): "open advisory: ID (version N)" with the
   * CVEs, one line each; only ids the server lets this caller read arrive. */
  function advisories(list) {
    if (!Array.isArray(list) || list.length === 0) return null;
    var ul = el('ul', 'advs');
    list.slice(0, 100).forEach(function (a) {
      if (!a || typeof a !== 'object') return;
      var id = clean(a.id, 256);
      if (!id) return;
      var cves = Array.isArray(a.cves) ?
        a.cves.slice(0, 20).map(function (x) { return clean(x, 64); }).filter(Boolean) : [];
      var t = 'open advisory: ' + id + (clean(a.version, 64) ? ' (version ' +
               clean(a.version, 64) + ')' : '') + (cves.length ? ' \u2014 ' + cves.join(', ') : '');
      ul.appendChild(el('li', null, t));
    });
    if (list.length > 100)
      ul.appendChild(el('li', null, '\u2026 and ' + (list.length - 100) + ' more'));
    return ul.childNodes.length ? ul : null;
  }

  function certCard(c) {
    var card = el('article', 'cert');
    var status = clean(c.status, 40) || 'UNKNOWN';
    var head = el('div', 'cert-head');
    var badge = el('span', 'badge ' + (BADGE[status] || ''), status);
    badge.setAttribute('data-status', status);
    head.appendChild(badge);
    head.appendChild(el('p', 'why', clean(c.reason, 500)));
    card.appendChild(head);
    var dl = el('dl', 'fields');
    var prof = c.profile && typeof c.profile === 'object' ?
      [clean(c.profile.name, 256), clean(c.profile.version, 64)].filter(Boolean).join(' ') :
      clean(c.profile, 256);
    field(dl, 'Product', clean(c.product, 1024));
    field(dl, 'Version', clean(c.version, 1024));
    field(dl, 'Vendor', clean(c.vendor, 1024));
    field(dl, 'Certified by lab', clean(c.lab, 64));
    field(dl, 'Policy profile', prof || null);
    field(dl, 'Verdict', clean(c.verdict, 64));
    field(dl, 'Conditions', conditions(c.conditions));
    field(dl, 'Issued', when(c.issued));
    field(dl, 'Expires', when(c.expires), status === 'EXPIRED' ? 'alert' : null);
    if (c.revocation && typeof c.revocation === 'object') {
      var r = c.revocation, by = [clean(r.by_name, 200), clean(r.by_role, 40)].filter(Boolean);
      field(dl, 'Revoked', (when(r.date) || 'date not given') + (by.length ? ' by ' + by[0] +
            (by[1] ? ' (' + by[1] + ')' : '') : ''), 'alert');
      field(dl, 'Reason for revocation', clean(r.reason, 1024) || 'not given', 'alert');
    }
    field(dl, 'Superseded by', clean(c.superseded_by, 128), 'mono');
    field(dl, 'Advisories', advisories(c.advisories), 'alert');
    field(dl, 'File matched', clean(c.subject, 1024), 'mono');
    field(dl, 'Package URL', clean(c.purl, 1024), 'mono');
    field(dl, 'CPE', clean(c.cpe, 1024), 'mono');
    field(dl, 'Logged', when(c.logged));
    field(dl, 'Log index', typeof c.log_index === 'number' ? String(c.log_index) : null);
    field(dl, 'Certificate id', clean(c.certificate_id, 64), 'mono');
    field(dl, 'Registry id', clean(c.id, 128), 'mono');
    card.appendChild(dl);
    return card;
  }

  function render(hex, file, doc) {
    var nodes = [queried(hex, file)];
    var list = doc.certificates.filter(function (c) { return c && typeof c === 'object'; });
    if (list.length === 0) {
      var card = el('article', 'cert');
      var head = el('div', 'cert-head');
      var badge = el('span', 'badge s-none', 'NOT CERTIFIED');
      badge.setAttribute('data-status', 'NOT CERTIFIED');
      head.appendChild(badge);
      head.appendChild(el('p', 'why', 'No certificate in this registry names a file with this ' +
        'SHA-256. Do not accept the file as certified: a changed or repacked file has another ' +
        'fingerprint.'));
      card.appendChild(head);
      nodes.push(card);
    } else {
      nodes.push(el('p', 'summary', list.length === 1 ? 'One certificate names this file.' :
        list.length + ' certificates name this file, newest first.'));
      list.forEach(function (c) { nodes.push(certCard(c)); });
      if (doc.truncated === true)
        nodes.push(el('p', 'note', 'The registry holds more certificates for this file than it ' +
          'returned; use parakh verify for the full answer.'));
    }
    show(nodes, false);
    var h = $('h-result'), top = h.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 120) h.scrollIntoView({ block: 'start' });
  }

  function lookup(hex, file, my) {
    show([queried(hex, file), el('p', 'busy', 'Asking the registry\u2026')], true);
    if (history.replaceState) history.replaceState(null, '', '#sha256=' + hex);
    fetch(API + hex, {
      method: 'GET', credentials: 'omit', cache: 'no-store', redirect: 'error',
      referrerPolicy: 'no-referrer', headers: { 'Accept': 'application/json' }
    }).then(function (resp) {
      return resp.text().then(function (text) { return { resp: resp, text: text }; });
    }).then(function (r) {
      if (my !== seq) return;
      var doc = null;
      try { doc = JSON.parse(r.text); } catch (e) { doc = null; }
      if (!r.resp.ok) {
        var err = doc && doc.error && typeof doc.error === 'object' ? doc.error : {};
        var code = clean(err.code, 64);
        problem('The registry refused the lookup: HTTP ' + r.resp.status +
                (code ? ' (' + code + ')' : '') + '.',
                clean(err.message, 500) || 'It gave no explanation.');
        return;
      }
      if (!doc || typeof doc !== 'object' || !Array.isArray(doc.certificates)) {
        problem('The registry answered, but not with a list of certificates.',
                'This page may be talking to the wrong server. Nothing can be concluded about the file.');
        return;
      }
      render(hex, file, doc);
    }).catch(function (e) {
      if (my !== seq) return;
      problem('Could not reach the registry.', 'The lookup did not complete (' +
              (clean(e && e.message, 200) || 'network error') + '). Check the connection and try again; ' +
              'nothing can be concluded about the file.');
    });
  }

  /* A SHA-256 as people paste it: a sha256sum line ("HEX  name", or "\HEX  name"
     for an escaped name), hex split by spaces (certutil), upper case, a "sha256:"
     prefix. {hex} in lowercase, or {error} with the message to show. */
  function parseHash(text) {
    var s = text.trim().replace(/^sha256[:=]\s*/i, '').replace(/^\\/, '');
    var first = s.split(/\s+/)[0];
    if (/^[0-9a-fA-F]{64}$/.test(first)) return { hex: first.toLowerCase() };
    var joined = s.replace(/\s+/g, '');
    if (/^[0-9a-fA-F]{64}$/.test(joined)) return { hex: joined.toLowerCase() };
    if (joined === '') return { error: 'Paste a SHA-256 first.' };
    var bad = /[^0-9a-fA-F]/.exec(joined);
    if (bad) return { error: 'A SHA-256 has only the characters 0\u20139 and a\u2013f; this has \u201c' +
      (clean(bad[0], 4) || '?') + '\u201d.' };
    return { error: 'A SHA-256 is 64 characters long; this is ' + joined.length + '.' };
  }

  function hashError(msg) {
    var e = $('hash-error'), input = $('hash');
    e.textContent = msg || '';
    e.hidden = !msg;
    if (msg) input.setAttribute('aria-invalid', 'true'); else input.removeAttribute('aria-invalid');
  }

  function onHash(ev) {
    if (ev) ev.preventDefault();
    var p = parseHash($('hash').value);
    if (p.error) { hashError(p.error); $('hash').focus(); return; }
    hashError(null);
    lookup(p.hex, null, ++seq);
  }

  function onFile(file, count) {
    var my = ++seq;
    if (!file) return;
    if (file.size > MAX_BYTES) {
      problem('This file is too large to check in the browser: ' + size(file.size) + '.',
              'The page reads a file whole to fingerprint it and accepts up to 2 GiB. Run ' +
              'sha256sum on the file and paste the result instead.');
      return;
    }
    if (!window.crypto || !window.crypto.subtle) {
      problem('This browser cannot fingerprint files on this page.',
              'WebCrypto is only available on pages served over HTTPS. Run sha256sum on the file ' +
              'and paste the result instead.');
      return;
    }
    var busy = [el('p', 'busy', 'Computing the SHA-256 of ' + (clean(file.name, 300) || 'the file') +
                   ' (' + size(file.size) + ') on this computer\u2026')];
    if (count > 1) busy.push(el('p', 'note', count + ' files were given; only the first is checked.'));
    show(busy, true);
    file.arrayBuffer().then(function (buf) {
      return crypto.subtle.digest('SHA-256', buf);
    }).then(function (d) {
      if (my !== seq) return;
      var hex = Array.prototype.map.call(new Uint8Array(d), function (b) {
        return (b < 16 ? '0' : '') + b.toString(16);
      }).join('');
      lookup(hex, file, my);
    }).catch(function (e) {
      if (my !== seq) return;
      problem('Could not read the file.', clean(e && e.message, 300) || 'The browser gave no reason.');
    });
  }

  function init() {
    var drop = $('drop'), input = $('file');
    input.addEventListener('change', function () {
      if (input.files && input.files.length) onFile(input.files[0], input.files.length);
    });
    $('hash-form').addEventListener('submit', onHash);
    $('hash').addEventListener('input', function () { hashError(null); });
    /* A file dropped anywhere is checked; without this the browser would open it. */
    ['dragenter', 'dragover'].forEach(function (t) {
      document.addEventListener(t, function (ev) {
        ev.preventDefault();
        if (ev.dataTransfer) ev.dataTransfer.dropEffect = 'copy';
        drop.classList.add('over');
      });
    });
    document.addEventListener('dragleave', function (ev) {
      if (!ev.relatedTarget) drop.classList.remove('over');
    });
    document.addEventListener('drop', function (ev) {
      ev.preventDefault();
      drop.classList.remove('over');
      var files = ev.dataTransfer && ev.dataTransfer.files;
      if (!files || !files.length) return;
      try { input.files = files; } catch (e) { /* older browsers: the result names the file */ }
      onFile(files[0], files.length);
    });
    if (location.protocol === 'https:') $('origin').textContent = location.origin;
    var m = /^#sha256=([0-9a-fA-F]{64})$/.exec(location.hash);
    if (m) { $('hash').value = m[1]; onHash(null); }
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
