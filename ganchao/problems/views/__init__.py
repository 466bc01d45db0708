"""Pages of 问题台账: the ledger, the problem page and its actions, the sheet, 转为问题."""
