// Live readability check for the easy-read summary (progressive enhancement; the server checks again on save
// with textstat). Flesch reading ease = 206.835 - 1.015 (words / sentences) - 84.6 (syllables / words).
(function () {
  "use strict";
  var MIN_SCORE = 80;

  function syllables(word) {
    word = word.toLowerCase().replace(/[^a-z]/g, "");
    if (!word) return 0;
    if (word.length <= 3) return 1;
    word = word.replace(/(?:[^laeiouy]es|ed|[^laeiouy]e)$/, "").replace(/^y/, "");
    var groups = word.match(/[aeiouy]{1,2}/g);
    return groups ? groups.length : 1;
  }

  function score(text) {
    var words = text.match(/[A-Za-z0-9'’]+/g) || [];
    if (!words.length) return null;
    var sentences = (text.match(/[.!?]+(\s|$)/g) || []).length || 1;
    var syl = 0;
    for (var i = 0; i < words.length; i++) syl += syllables(words[i]);
    return 206.835 - 1.015 * (words.length / sentences) - 84.6 * (syl / words.length);
  }

  function attach(textarea) {
    if (textarea.dataset.readabilityInit) return;
    textarea.dataset.readabilityInit = "true";
    var output = document.getElementById(textarea.id + "-readability");
    if (!output) return;
    var timer = null;
    function update() {
      var value = score(textarea.value);
      output.classList.remove("staff-readability--ok", "staff-readability--low");
      if (value === null) { output.textContent = ""; return; }
      var rounded = Math.round(value);
      if (value >= MIN_SCORE) {
        output.textContent = "Reading ease about " + rounded + ": easy to read.";
        output.classList.add("staff-readability--ok");
      } else {
        output.textContent = "Reading ease about " + rounded + ": too hard. Use shorter sentences and everyday words (needs " + MIN_SCORE + " or more).";
        output.classList.add("staff-readability--low");
      }
    }
    textarea.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(update, 400);
    });
    update();
  }

  var areas = document.querySelectorAll('textarea[data-module="readability"]');
  for (var i = 0; i < areas.length; i++) attach(areas[i]);
})();
