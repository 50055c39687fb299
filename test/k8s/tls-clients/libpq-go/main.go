// The TLS tests' Go service on database/sql with lib/pq (Debian's golang-github-lib-pq-dev, built in
// GOPATH mode), no TLS setting in the code. `url NAME` connects with the URL in $NAME; `opta` builds a URL from
// Opta's DB_* variables alone (no sslmode in it), so lib/pq takes PGSSLMODE and PGSSLROOTCERT from the environment.
// Prints ssl|user|database from pg_stat_ssl.
package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"

	_ "github.com/lib/pq"
)

func main() {
	var dsn string
	switch os.Args[1] {
	case "url":
		dsn = os.Getenv(os.Args[2])
	case "opta":
		u := url.URL{
			Scheme: "postgres",
			User:   url.UserPassword(os.Getenv("DB_USER"), os.Getenv("DB_PASSWORD")),
			Host:   os.Getenv("DB_HOST") + ":" + os.Getenv("DB_PORT"),
			Path:   "/" + os.Getenv("DB_NAME"),
		}
		dsn = u.String()
	}
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer db.Close()
	var ssl bool
	var user, database string
	err = db.QueryRow("SELECT ssl, current_user, current_database() FROM pg_stat_ssl WHERE pid = pg_backend_pid()").Scan(&ssl, &user, &database)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%t|%s|%s\n", ssl, user, database)
}
