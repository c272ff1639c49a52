package secrets_test

import (
	"fmt"
	"strings"

	"github.com/fnaudit/fnaudit/audit/secrets"
)

func ExampleInspect() {
	for _, kv := range [][2]string{
		{"DB_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-AbCdEf"},
		{"DB_PASSWORD", "/prod/db/password"},
		{"DATABASE_URL", "postgres://app:" + "Tr0ub4dor3x" + "@db.internal:5432/app"},
		{"MYSQL_ALLOW_EMPTY_PASSWORD", "yes"},
	} {
		ev := secrets.Inspect(kv[0], kv[1])
		fmt.Println(strings.TrimSpace(fmt.Sprint(ev.Name, " ", ev.Verdict, " ", ev.Detector, " ", ev.Hint)))
	}
	// Output:
	// DB_SECRET_ARN reference secretsmanager-arn
	// DB_PASSWORD reference ssm-parameter-name
	// DATABASE_URL secret connection-string-password postgres://**** (connection-string, 47 characters)
	// MYSQL_ALLOW_EMPTY_PASSWORD plain
}
