/* audit report index: renders the articles table from the embedded JSON, sorts, filters and pages it.
   Rows are built with textContent only: nothing from the data is ever parsed as HTML. */
(function () {
  "use strict";
  var source = document.getElementById("report-data");
  var table = document.getElementById("articles");
  if (!source || !table) return;
  var data = JSON.parse(source.textContent);
  var rows = data.rows;
  var keys = data.columns;
  var PATH = rows.length ? rows[0].length - 1 : keys.length + 1;
  var tbody = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  var status = document.getElementById("table-status");
  var prev = document.getElementById("prev-page");
  var next = document.getElementById("next-page");
  var textFilter = document.getElementById("text-filter");
  var resultFilter = document.getElementById("result-filter");
  var categoryFilter = document.getElementById("category-filter");
  var pageSize = document.getElementById("page-size");
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  var numbers = new Intl.NumberFormat();

  var state = { column: keys.indexOf("score"), direction: 1, page: 0, size: 100 };
  var order = [];
  var visible = [];
  var haystack = [];
  for (var i = 0; i < rows.length; i++) {
    order.push(i);
    haystack.push((rows[i][0] + " " + rows[i][PATH]).toLowerCase());
  }

  // Column index in the header -> index in a row (the row has the link after the id).
  function field(column) { return column === 0 ? 0 : column + 1; }

  function firstDirection(column) {
    var key = keys[column];
    return key === "id" || key === "score" || key === "passed" ? 1 : -1;
  }

  function sortRows() {
    var f = field(state.column);
    var d = state.direction;
    var text = keys[state.column] === "id";
    order.sort(function (a, b) {
      var x = rows[a][f];
      var y = rows[b][f];
      var c;
      if (text) {
        c = collator.compare(x, y);
      } else {
        if (x === null || x === undefined) x = Infinity;
        if (y === null || y === undefined) y = Infinity;
        c = x < y ? -1 : x > y ? 1 : 0;
      }
      return c * d || a - b;
    });
  }

  function filterRows() {
    var needle = textFilter ? textFilter.value.trim().toLowerCase() : "";
    var result = resultFilter ? resultFilter.value : "";
    var category = categoryFilter && categoryFilter.value !== "" ? field(Number(categoryFilter.value)) : -1;
    if (!needle && !result && category < 0) {
      visible = order;
      return;
    }
    visible = order.filter(function (i) {
      var row = rows[i];
      if (result === "pass" && !row[3]) return false;
      if (result === "fail" && row[3]) return false;
      if (category >= 0 && !(row[category] > 0)) return false;
      return !needle || haystack[i].indexOf(needle) !== -1;
    });
  }

  function cell(tr, className, value) {
    var td = document.createElement("td");
    td.className = className;
    if (value !== undefined) td.textContent = value;
    tr.appendChild(td);
    return td;
  }

  function formatScore(value) {
    if (typeof value !== "number") return "—";
    return String(Math.round(value * 100) / 100);
  }

  function renderRow(row, fragment) {
    var tr = document.createElement("tr");
    tr.className = row[3] ? "pass" : "fail";
    var id = cell(tr, "id");
    var link = document.createElement("a");
    link.href = row[1];
    var bdi = document.createElement("bdi");
    bdi.textContent = row[0];
    link.appendChild(bdi);
    id.appendChild(link);
    if (row[PATH]) {
      var path = document.createElement("span");
      path.className = "path";
      var pathText = document.createElement("bdi");
      pathText.textContent = row[PATH];
      path.appendChild(pathText);
      id.appendChild(path);
    }
    cell(tr, "num score", formatScore(row[2]));
    var pill = document.createElement("span");
    pill.className = "pill " + (row[3] ? "pass" : "fail");
    pill.textContent = row[3] ? "pass" : "fail";
    cell(tr, "num").appendChild(pill);
    for (var c = 4; c < PATH; c++) {
      cell(tr, row[c] === 0 ? "num zero" : "num", String(row[c]));
    }
    fragment.appendChild(tr);
  }

  function render() {
    var started = performance.now();
    var size = state.size > 0 ? state.size : visible.length || 1;
    var pages = Math.max(1, Math.ceil(visible.length / size));
    if (state.page >= pages) state.page = pages - 1;
    var from = state.page * size;
    var to = Math.min(visible.length, from + size);
    var fragment = document.createDocumentFragment();
    for (var k = from; k < to; k++) renderRow(rows[visible[k]], fragment);
    tbody.textContent = "";
    tbody.appendChild(fragment);
    for (var h = 0; h < headers.length; h++) {
      var sorted = h === state.column;
      headers[h].setAttribute("aria-sort", sorted ? (state.direction > 0 ? "ascending" : "descending") : "none");
    }
    var text = visible.length
      ? "Showing " + numbers.format(from + 1) + "–" + numbers.format(to) + " of " + numbers.format(visible.length)
      : "No articles match";
    if (visible.length !== rows.length) text += " (filtered from " + numbers.format(rows.length) + ")";
    status.textContent = text;
    prev.disabled = state.page === 0;
    next.disabled = state.page >= pages - 1;
    window.auditLastRenderMs = performance.now() - started;
  }

  function update(resort) {
    if (resort) sortRows();
    filterRows();
    render();
  }

  for (var h = 0; h < headers.length; h++) {
    headers[h].querySelector("button").addEventListener("click", function (event) {
      var column = Number(event.currentTarget.getAttribute("data-column"));
      if (column === state.column) {
        state.direction = -state.direction;
      } else {
        state.column = column;
        state.direction = firstDirection(column);
      }
      state.page = 0;
      update(true);
    });
  }
  var pending = 0;
  if (textFilter) {
    textFilter.addEventListener("input", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { state.page = 0; update(false); }, rows.length > 2000 ? 150 : 0);
    });
  }
  [resultFilter, categoryFilter].forEach(function (control) {
    if (control) control.addEventListener("change", function () { state.page = 0; update(false); });
  });
  if (pageSize) {
    pageSize.addEventListener("change", function () {
      state.size = Number(pageSize.value);
      state.page = 0;
      render();
    });
    state.size = Number(pageSize.value);
  }
  prev.addEventListener("click", function () { state.page -= 1; render(); });
  next.addEventListener("click", function () { state.page += 1; render(); });

  update(true);
  document.documentElement.setAttribute("data-ready", "true");
  window.auditReadyMs = performance.now();
})();
