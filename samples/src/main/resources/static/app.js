document.getElementById("script-ran").textContent = "The script ran over " + performance.getEntriesByType("navigation")[0].nextHopProtocol + ".";
