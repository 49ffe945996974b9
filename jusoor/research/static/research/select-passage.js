// Selecting words in the source text puts them in the passage field (the field can also be
// filled by hand: the page works without this script).
(function () {
  var text = document.getElementById("source-text");
  var field = document.getElementById("id_passage");
  if (!text || !field) return;
  text.addEventListener("mouseup", function () {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed) return;
    if (!text.contains(selection.anchorNode) || !text.contains(selection.focusNode)) return;
    var chosen = selection.toString().trim();
    if (chosen) field.value = chosen;
  });
})();
