/* audit report article page: the tooltip of a highlight (on hover and on keyboard focus) and the link
   between a highlight and its entry in the findings list. The tooltip copies the finding descriptions
   already in the page; nothing from the data is parsed as HTML. */
(function () {
  "use strict";
  var tip = document.getElementById("tip");
  if (!tip) return;
  var current = null;

  function markOf(node) {
    return node && node.closest ? node.closest("mark.hl") : null;
  }

  function covering(mark) {
    return (mark.getAttribute("data-cover") || "").split(" ").filter(Boolean);
  }

  function fill(mark) {
    tip.textContent = "";
    covering(mark).forEach(function (id) {
      var description = document.getElementById("fd-" + id);
      if (!description) return;
      var copy = description.cloneNode(true);
      copy.removeAttribute("id");
      tip.appendChild(copy);
    });
  }

  function place(mark) {
    var rects = mark.getClientRects();
    var box = rects.length ? rects[0] : mark.getBoundingClientRect();
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var viewport = document.documentElement.clientWidth;
    var left = Math.max(8, Math.min(box.left + box.width / 2 - width / 2, viewport - width - 8));
    var top = box.bottom + 8;
    if (top + height > window.innerHeight && box.top - height - 8 > 0) top = box.top - height - 8;
    tip.style.left = left + window.scrollX + "px";
    tip.style.top = top + window.scrollY + "px";
  }

  function show(mark) {
    current = mark;
    fill(mark);
    tip.hidden = false;
    place(mark);
  }

  function hide() {
    tip.hidden = true;
    current = null;
  }

  // The findings list scrolls along only where it sits beside the text (on narrow screens it is below it).
  function listBeside() {
    var panel = document.querySelector(".findings-panel");
    return panel !== null && getComputedStyle(panel).position === "sticky";
  }

  function select(mark, scroll) {
    var id = covering(mark)[0];
    var previous = document.querySelectorAll(".selected");
    for (var i = 0; i < previous.length; i++) previous[i].classList.remove("selected");
    var item = document.getElementById("finding-" + id);
    mark.classList.add("selected");
    if (item && item.hidden && window.auditRevealFinding) window.auditRevealFinding(item);
    if (item) {
      item.classList.add("selected");
      if (scroll) item.scrollIntoView({ block: "nearest" });
    }
  }

  document.addEventListener("mouseover", function (event) {
    var mark = markOf(event.target);
    if (mark) {
      if (mark !== current) show(mark);
    } else if (current && document.activeElement !== current) {
      hide();
    }
  });
  document.addEventListener("focusin", function (event) {
    var mark = markOf(event.target);
    if (mark) {
      show(mark);
      select(mark, listBeside()); // keyboard users: the findings list follows the highlight in focus
    }
  });
  document.addEventListener("focusout", function (event) {
    if (markOf(event.target) === current) hide();
  });
  document.addEventListener("click", function (event) {
    var mark = markOf(event.target);
    if (mark) select(mark, true);
    var jump = event.target.closest ? event.target.closest("a.jump") : null;
    if (jump) {
      var target = document.getElementById(jump.getAttribute("href").slice(1));
      if (target) setTimeout(function () { target.focus({ preventScroll: true }); }, 0);
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
    var mark = markOf(event.target);
    if (mark && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(mark, true);
    }
  });
  window.addEventListener("resize", function () { if (current) place(current); });

  // The findings list: filter by severity and category, sort by severity or position, and fold the repeats
  // of one check at one severity behind the first of them ("P401 ×41"). Works on the list already in the page.
  (function findingsTools() {
    var tools = document.getElementById("findings-tools");
    var list = document.querySelector("ol.findings");
    if (!tools || !list) return;
    tools.hidden = false;
    var items = Array.prototype.slice.call(list.querySelectorAll("li.finding"));
    var boxes = Array.prototype.slice.call(tools.querySelectorAll("input[name=severity]"));
    var category = document.getElementById("filter-category");
    var order = document.getElementById("sort-findings");
    var counter = document.getElementById("findings-shown");
    var collapsed = {};
    var toggles = Array.prototype.slice.call(list.querySelectorAll("button.group-toggle"));

    function label(button) {
      var size = list.querySelector('li[data-group-size][data-group="' + button.getAttribute("data-group") + '"]');
      var others = size ? Number(size.getAttribute("data-group-size")) - 1 : 0;
      var folded = collapsed[button.getAttribute("data-group")];
      button.textContent = (folded ? "Show the other " : "Hide the other ") + others;
      button.setAttribute("aria-expanded", folded ? "false" : "true");
    }

    function apply() {
      var wanted = {};
      boxes.forEach(function (box) { if (box.checked) wanted[box.value] = true; });
      var shown = 0;
      items.forEach(function (li) {
        var visible = wanted[li.getAttribute("data-severity")] === true &&
          (!category.value || li.getAttribute("data-category") === category.value);
        if (visible && li.classList.contains("group-member") && collapsed[li.getAttribute("data-group")]) visible = false;
        li.hidden = !visible;
        if (visible) shown++;
      });
      counter.textContent = shown + " of " + items.length + " shown";
    }

    function sort() {
      var bySeverity = order.value === "severity";
      items.slice().sort(function (a, b) {
        if (bySeverity) {
          var d = Number(b.getAttribute("data-rank")) - Number(a.getAttribute("data-rank"));
          if (d) return d;
        }
        return Number(a.getAttribute("data-start")) - Number(b.getAttribute("data-start")) ||
          Number(a.getAttribute("data-index")) - Number(b.getAttribute("data-index"));
      }).forEach(function (li) { list.appendChild(li); });
    }

    toggles.forEach(function (button) {
      collapsed[button.getAttribute("data-group")] = true;
      button.hidden = false;
      label(button);
      button.addEventListener("click", function () {
        var key = button.getAttribute("data-group");
        collapsed[key] = !collapsed[key];
        label(button);
        apply();
      });
    });
    boxes.forEach(function (box) { box.addEventListener("change", apply); });
    category.addEventListener("change", apply);
    order.addEventListener("change", function () { sort(); apply(); });

    window.auditRevealFinding = function (item) {
      var key = item.getAttribute("data-group");
      if (item.classList.contains("group-member") && collapsed[key]) {
        collapsed[key] = false;
        toggles.forEach(function (button) { if (button.getAttribute("data-group") === key) label(button); });
        apply();
      }
      item.hidden = false;
    };
    sort();
    apply();
  })();
  document.documentElement.setAttribute("data-ready", "true");
})();
