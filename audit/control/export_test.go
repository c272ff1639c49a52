package control

// BenchEstate exposes the benchmark estate to the external test package.
var BenchEstate = benchEstate
