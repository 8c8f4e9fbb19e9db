// Progressive enhancement only: every page works without this file.
"use strict";

// "Use my location": the browser's position, only when asked, into the place field as "lat,lon".
(function () {
  var button = document.getElementById("use-location");
  var near = document.getElementById("near");
  var status = document.getElementById("location-status");
  if (!button || !near || !("geolocation" in navigator)) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = "Finding your location…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        near.value = position.coords.latitude.toFixed(4) + "," + position.coords.longitude.toFixed(4);
        status.textContent = "Location filled in. Press Search.";
        near.focus();
      },
      function () {
        status.textContent = "Your location is not available; type a ZIP code or city instead.";
      },
      { timeout: 10000 }
    );
  });
})();

// Condition autocomplete: narrow the list of names and synonyms from the vocabulary as you type.
(function () {
  var input = document.getElementById("condition");
  var list = document.getElementById("condition-names");
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var prefix = input.value.trim();
    if (prefix.length < 2) {
      return;
    }
    timer = setTimeout(function () {
      fetch("/vocabulary/conditions?prefix=" + encodeURIComponent(prefix))
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (terms) {
          if (input.value.trim() !== prefix) {
            return; // an answer for an earlier prefix, arriving late: a newer one is on its way
          }
          list.replaceChildren();
          terms.forEach(function (term) {
            [term.name].concat(term.synonyms).forEach(function (name) {
              if (name.toLowerCase().indexOf(prefix.toLowerCase()) === 0 || name === term.name) {
                var option = document.createElement("option");
                option.value = name;
                list.appendChild(option);
              }
            });
          });
        })
        .catch(function () { /* keep the list the page came with */ });
    }, 150);
  });
})();

// Buttons that ask before doing something that cannot be undone (admin: hide, merge, split).
document.addEventListener("submit", function (event) {
  var form = event.target;
  var question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});

// The referral page's print button (the list prints without the site's header, form and footer).
(function () {
  var button = document.getElementById("print-list");
  if (!button) {
    return;
  }
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
