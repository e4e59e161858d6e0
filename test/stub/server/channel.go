package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/QuantumNous/new-api/common"
	"github.com/QuantumNous/new-api/model"
)

const (
	defaultPageSize = 10
	maxPageSize     = 100
)

type page struct{ number, size, offset int }

// readPage parses ?p=&page_size=. Since v0.8.5.2 p is 1-based; before, 0-based.
func (s *Server) readPage(r *http.Request) page {
	q := r.URL.Query()
	size, _ := strconv.Atoi(q.Get("page_size"))
	if size <= 0 {
		size = defaultPageSize
	}
	if size > maxPageSize {
		size = maxPageSize
	}
	p, _ := strconv.Atoi(q.Get("p"))
	if s.Paged {
		if p < 1 {
			p = 1
		}
		return page{p, size, (p - 1) * size}
	}
	if p < 0 {
		p = 0
	}
	return page{p, size, p * size}
}

// pageBody is the list's "data": {items,total,page,page_size}, or a bare array before v0.8.5.2.
func (s *Server) pageBody(items any, total int, pg page) any {
	if s.Paged {
		return obj{"items": items, "total": total, "page": pg.number, "page_size": pg.size}
	}
	return items
}

// listChannels is GET /api/channel/ (admin).
func (s *Server) listChannels(w http.ResponseWriter, r *http.Request) {
	pg := s.readPage(r)
	channels, total, err := s.DB.Channels(pg.offset, pg.size)
	if err != nil {
		apiError(w, err)
		return
	}
	ok(w, s.pageBody(channels, total, pg))
}

// testChannel is GET /api/channel/test/:id, and GET /api/channel/test for every channel. On a
// real server each test is a REAL, PAID upstream request, so the stub counts every call
// (stub_calls.channel_test) for tests to assert on, and logs it.
func (s *Server) testChannel(w http.ResponseWriter, r *http.Request) {
	now := time.Now().Unix()
	if err := s.DB.CountCall("channel_test", now); err != nil {
		common.SysError("failed to count the call: " + err.Error())
	}
	const responseMs = 420
	target := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/api/channel/test"), "/")
	if target == "" {
		common.SysError(fmt.Sprintf("WARNING: all channels tested from %s: on a real server these are PAID upstream requests", clientIP(r)))
		if err := s.DB.MarkAllChannelsTested(now, responseMs); err != nil {
			apiError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, obj{"success": true, "message": ""})
		return
	}
	id, err := strconv.Atoi(target)
	if err != nil {
		writeJSON(w, http.StatusOK, obj{"success": false, "message": "无效的参数"})
		return
	}
	common.SysError(fmt.Sprintf("WARNING: channel #%d tested from %s: on a real server this is a PAID upstream request", id, clientIP(r)))
	found, err := s.DB.ChannelExists(id)
	if err != nil {
		apiError(w, err)
		return
	}
	if !found {
		writeJSON(w, http.StatusOK, obj{"success": false, "message": "渠道不存在"})
		return
	}
	if err := s.DB.MarkChannelTested(id, now, responseMs); err != nil {
		apiError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, obj{"success": true, "message": "", "time": float64(responseMs) / 1000})
}

// listLogs is GET /api/log/?type=&start_timestamp=&end_timestamp= (admin); type 5 = errors.
func (s *Server) listLogs(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var f model.LogFilter
	f.Type, _ = strconv.Atoi(q.Get("type"))
	f.StartTimestamp, _ = strconv.ParseInt(q.Get("start_timestamp"), 10, 64)
	f.EndTimestamp, _ = strconv.ParseInt(q.Get("end_timestamp"), 10, 64)
	pg := s.readPage(r)
	logs, total, err := s.DB.Logs(f, pg.offset, pg.size)
	if err != nil {
		apiError(w, err)
		return
	}
	ok(w, s.pageBody(logs, total, pg))
}
