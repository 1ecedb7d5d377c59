/* parakh HTML report: sorting and filtering of the server-rendered tables
   (lib/decide/html.c, docs/report-html.md). Compiled into the library; the
   page's Content-Security-Policy allows exactly this text by its SHA-256. It
   reads the page and moves or hides rows; it never builds markup from text. */
(function () {
  'use strict';
  var collate = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' }).compare;

  /* The sort key of a cell: data-k (a number the writer put there) for
     numeric columns, else the cell's text. */
  function key(cell, numeric) {
    if (!cell) return numeric ? -Infinity : '';
    if (numeric) {
      var k = cell.getAttribute('data-k');
      var v = parseFloat(k !== null ? k : cell.textContent);
      return isNaN(v) ? -Infinity : v;
    }
    return cell.textContent.trim();
  }

  function sortTable(table, col, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var numeric = th.getAttribute('data-type') === 'num';
    var asc = th.getAttribute('aria-sort') !== 'ascending';
    var rows = Array.prototype.slice.call(body.rows).map(function (r, i) {
      return { row: r, k: key(r.cells[col], numeric), i: i };
    });
    rows.sort(function (a, b) {
      var d = numeric ? (a.k < b.k ? -1 : a.k > b.k ? 1 : 0) : collate(a.k, b.k);
      if (d !== 0) return asc ? d : -d;
      return a.i - b.i; /* stable: ties keep their order */
    });
    var frag = document.createDocumentFragment();
    rows.forEach(function (x) { frag.appendChild(x.row); });
    body.appendChild(frag);
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      if (c !== th) c.removeAttribute('aria-sort');
    });
    th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
  }

  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
    if (!table.tHead || !table.tHead.rows.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var b = th.querySelector('button.sort');
      if (b) b.addEventListener('click', function () { sortTable(table, col, th); });
    });
  });

  /* A filter box shows the rows whose text contains every word typed. */
  Array.prototype.forEach.call(document.querySelectorAll('input[data-filter]'), function (input) {
    var table = document.getElementById(input.getAttribute('data-filter'));
    var box = input.closest('.filter');
    if (!table || !table.tBodies[0] || !box) return;
    var rows = table.tBodies[0].rows;
    var out = box.querySelector('output');
    var texts = new Map();
    var timer = null;
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var r = rows[i];
        var t = texts.get(r);
        if (t === undefined) {
          t = r.textContent.toLowerCase();
          texts.set(r, t);
        }
        var ok = words.every(function (w) { return t.indexOf(w) >= 0; });
        r.hidden = !ok;
        if (ok) shown++;
      }
      if (out) out.textContent = words.length ? shown + ' of ' + rows.length + ' rows shown'
                                              : rows.length + ' rows';
    }
    input.addEventListener('input', function () {
      if (timer) clearTimeout(timer);
      timer = setTimeout(apply, rows.length > 3000 ? 200 : 0);
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'Escape') { input.value = ''; apply(); }
    });
    box.hidden = false;
    apply();
  });

  /* Printing shows every row, whatever the filters hide on screen. */
  window.addEventListener('beforeprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('tr[hidden]'), function (r) {
      r.setAttribute('data-was-hidden', '');
      r.hidden = false;
    });
  });
  window.addEventListener('afterprint', function () {
    Array.prototype.forEach.call(document.querySelectorAll('tr[data-was-hidden]'), function (r) {
      r.removeAttribute('data-was-hidden');
      r.hidden = true;
    });
  });
})();
