# Throughput chart of the benchmark (make bench-chart). Reads the pivoted
# table written by scripts/stack/bench-chart.sh: one row per connection
# count, one column of requests/s per server (named in the header row).
# Variables passed with -e: datafile, outfile.
set terminal pngcairo size 960,560 font "DejaVu Sans,11" noenhanced
set output outfile
set datafile separator "\t"
set title "GET / throughput, one CPU core per server (higher is better)"
set ylabel "requests per second (log scale)"
set xlabel "concurrent connections (wrk)"
set logscale y
set format y "%.0s%c"
set grid ytics
set key below horizontal maxrows 1 samplen 2 spacing 1.2 width -3
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set yrange [100:*]
columns = system("head -n 1 '" . datafile . "' | awk -F'\t' '{print NF}'") + 0
plot for [i=2:columns] datafile using i:xtic(1) title columnheader(i)
