// The execution report's behaviour: the side panel for a clicked state, and the timeline.
// Vanilla JS on the JSON embedded in the page; text goes in with textContent, never innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("aslsim-data").textContent);
  var panel = document.getElementById("panel");

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function formatMs(ms) {
    if (ms < 1000) return ms + " ms";
    if (ms < 60000) return (ms / 1000) + " s";
    var s = Math.floor(ms / 1000), units = [["d", 86400], ["h", 3600], ["min", 60], ["s", 1]];
    for (var i = 0; i < units.length - 1; i++) {
      if (s >= units[i][1]) {
        var rest = Math.floor((s % units[i][1]) / units[i + 1][1]);
        return Math.floor(s / units[i][1]) + " " + units[i][0] + (rest ? " " + rest + " " + units[i + 1][0] : "");
      }
    }
    return s + " s";
  }

  function json(section, title, value, cls) {
    section.appendChild(el("h4", {}, title));
    section.appendChild(el("pre", {"class": cls}, JSON.stringify(value, null, 2)));
  }

  function stateNodes(name) {
    return Array.prototype.filter.call(document.querySelectorAll("#graph .state[data-state]"),
      function (node) { return node.getAttribute("data-state") === name; });
  }

  function select(name) {
    document.querySelectorAll("#graph .state.selected").forEach(function (n) { n.classList.remove("selected"); });
    stateNodes(name).forEach(function (n) { n.classList.add("selected"); });
    var entry = data.states[name];
    panel.textContent = "";
    panel.setAttribute("data-state", name);
    panel.appendChild(el("h2", {"id": "panel-title"}, name));
    if (!entry) {
      panel.appendChild(el("p", {"class": "hint"}, "Not entered by this execution."));
      return;
    }
    if (entry.children) return showChildState(entry);
    var facts = entry.type + " · " + entry.visits + (entry.visits === 1 ? " visit" : " visits") +
      " · " + formatMs(entry.time);
    if (entry.retries) facts += " · " + entry.retries + (entry.retries === 1 ? " retry" : " retries");
    if (entry.map) facts += " · iterations: " + entry.map.succeeded + " succeeded, " + entry.map.failed + " failed" +
      (entry.map.aborted ? ", " + entry.map.aborted + " aborted" : "");
    panel.appendChild(el("p", {"class": "meta"}, facts));
    entry.runs.forEach(function (run, i) {
      var section = el("section", {"class": "run run-" + run.status});
      var which = entry.visits > 1 ? "Visit " + run.index : "Visit";
      section.appendChild(el("h3", {}, which + " · at +" + formatMs(run.start) + " · " + formatMs(run.duration) +
        " · " + run.status + (run.attempts > 1 ? " · " + run.attempts + " attempts" : "")));
      if (run.error) {
        section.appendChild(el("p", {"class": "failed-text error"}, "Error: " + run.error));
        if (run.cause) section.appendChild(el("p", {"class": "failed-text cause"}, "Cause: " + run.cause));
      }
      json(section, "Input", run.input, "input");
      if (run.exited) json(section, "Output", run.output, "output");
      if (Object.keys(run.variables).length) json(section, "Variables assigned", run.variables, "variables");
      panel.appendChild(section);
      var next = entry.runs[i + 1];
      if (next && next.index !== run.index + 1) panel.appendChild(el("p", {"class": "hint"}, (next.index - run.index - 1) + " more visits not kept"));
    });
    if (entry.calls.length) {
      var calls = el("section", {"class": "calls"});
      calls.appendChild(el("h3", {}, "Service calls (" + entry.calls.length + ")"));
      entry.calls.forEach(function (call) {
        var one = el("div", {"class": "call"});
        one.appendChild(el("code", {}, call.resource));
        one.appendChild(el("div", {"class": "meta"}, "at +" + formatMs(call.start) +
          (call.duration !== undefined ? " · took " + formatMs(call.duration) : "")));
        json(one, "Parameters", call.parameters, "parameters");
        if (call.error !== undefined) json(one, "Failed", {Error: call.error, Cause: call.cause}, "call-error failed-text");
        else json(one, "Result", call.result, "result");
        calls.appendChild(one);
      });
      panel.appendChild(calls);
    }
  }

  // A Distributed Map's inner state: it ran in child executions; a summary and a few of them.
  function showChildState(entry) {
    var c = entry.children;
    panel.appendChild(el("p", {"class": "meta"}, entry.type + " · runs in the child executions of " + c.mapState));
    panel.appendChild(el("p", {"class": "children-summary"}, (c.succeeded + c.failed + c.aborted) +
      " child executions went through it: " + c.succeeded + " succeeded, " + c.failed + " failed here" +
      (c.aborted ? ", " + c.aborted + " stopped here" : "") + " · " + entry.visits +
      (entry.visits === 1 ? " visit" : " visits")));
    panel.appendChild(el("h3", {}, "Sample child visits (" + entry.runs.length + ")"));
    entry.runs.forEach(function (run) {
      var section = el("section", {"class": "run child-run run-" + run.status});
      section.appendChild(el("h3", {}, "Child #" + run.child.index + " · " + run.child.status + " · at +" +
        formatMs(run.start) + " · " + formatMs(run.duration) + (run.attempts > 1 ? " · " + run.attempts + " attempts" : "")));
      section.appendChild(el("div", {"class": "meta"}, run.child.name));
      if (run.error) {
        section.appendChild(el("p", {"class": "failed-text error"}, "Error: " + run.error));
        if (run.cause) section.appendChild(el("p", {"class": "failed-text cause"}, "Cause: " + run.cause));
      }
      json(section, "Input", run.input, "input");
      if (run.exited) json(section, "Output", run.output, "output");
      panel.appendChild(section);
    });
  }

  function drawTimeline() {
    var bars = document.getElementById("bars");
    var total = Math.max(data.execution.duration, 1);
    data.timeline.forEach(function (visit) {
      var row = el("div", {"class": "row", "data-state": visit.state,
        "data-depth": visit.depth});
      var name = el("span", {"class": "name"}, (visit.depth ? "└ " : "") + visit.state);
      name.style.paddingLeft = (14 * visit.depth) + "px";   // nested visits sit under their Parallel or Map
      row.appendChild(name);
      var track = el("span", {"class": "track"});
      var bar = el("span", {"class": "bar " + visit.status,
        "title": visit.state + ": +" + formatMs(visit.start) + ", " + formatMs(visit.duration)});
      bar.style.left = (100 * visit.start / total) + "%";
      bar.style.width = (100 * visit.duration / total) + "%";
      track.appendChild(bar);
      row.appendChild(track);
      row.appendChild(el("span", {"class": "took"}, formatMs(visit.duration)));
      row.addEventListener("click", function () { select(visit.state); });
      bars.appendChild(row);
    });
    if (data.timelineOmitted) bars.appendChild(el("p", {"class": "hint"}, data.timelineOmitted + " more visits not drawn"));
  }

  document.querySelectorAll("#graph .state[data-state]").forEach(function (node) {
    node.addEventListener("click", function (event) {
      event.stopPropagation();   // a state inside a Map or Parallel cluster wins over the cluster
      select(node.getAttribute("data-state"));
    });
  });
  document.querySelectorAll("[data-select]").forEach(function (link) {
    link.addEventListener("click", function (event) { event.preventDefault(); select(link.getAttribute("data-select")); });
  });
  drawTimeline();
  if (data.failedState) select(data.failedState);
})();
