"""Enterprise service (服务企业, DESIGN.md 3.14): enterprises, commissioners, visits and appeals (诉求) with their clocks."""
