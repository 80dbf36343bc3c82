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
  document.documentElement.setAttribute("data-ready", "true");
})();
